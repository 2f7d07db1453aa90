"""Try a PlateCharacterRestorer change on a held-out part of the training tiles.

Run by hand: ``python benchmarks/restorer_dev.py [--set NAME=VALUE ...]
[--split-seed S] [--seeds 0,1] [--n-jobs 2] [--quick]``.

``benchmarks/restorer.py`` fits on the training half of the real tiles and
reports on the test half. Choosing a change by those figures would tune the
restorer to its own test tiles. This script never touches them: it splits the
*training* half again, 50/50 and stratified (``--split-seed``, default 1), fits
on one part and reads the other, clean and damaged by every kind of
``DAMAGE_KINDS`` at 0.4 and 0.6 (``damage_characters(..., random_state=0)``).
Occlusion, whose damage is the hardest to find, is also read with the true
masks, to show how much finding the damage costs.

``--set`` passes parameters to the restorer (values as Python literals:
``--set hidden_layer_sizes='(1024,)' --set n_augment=16``); a change to the
code is tried by running the script on that code. ``--seeds`` fits once per
``random_state`` and reports each and their mean: a change smaller than the
seeds' spread is noise. One tile of the held-out part is 0.23 points.

Prints, per condition, top-1, top-3 and the expected calibration error (15
bins), then their mean top-1 and top-3 and the worst ECE over the conditions,
and the fit time (no assertions). Measured this way (seed 0, the defaults at
the time): mean top-1 0.879, top-3 0.983, worst ECE 0.063; with
``hidden_layer_sizes=(1024,)`` 0.879, ``(512, 256)`` 0.877. ``--quick`` is a
smoke run on fewer tiles (figures not comparable).
"""

import argparse
import ast
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from restorer import (  # noqa: E402
    Report,
    machine_info,
    make_condition,
    proba_scores,
    real_data,
    stratified_subset,
)

SEVERITIES = (0.4, 0.6)


def parse_settings(items):
    """``["name=value", ...]`` as a dict of parameters, each value a Python
    literal (a bare word is taken as a string)."""
    settings = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            msg = f"--set takes NAME=VALUE; got {item!r}."
            raise SystemExit(msg)
        try:
            settings[name.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            settings[name.strip()] = value
    return settings


def dev_split(quick, split_seed):
    """The training half of the benchmark's real tiles, split again: fit and
    held-out parts (the benchmark's test tiles are not loaded into either)."""
    from sklearn.model_selection import train_test_split

    X_train, y_train, _, _, note = real_data(quick=False)
    index = np.arange(len(y_train))
    if quick:
        index = stratified_subset(y_train, 400)
    fit, held = train_test_split(
        index, test_size=0.5, stratify=y_train[index], random_state=split_seed
    )
    # The note ends ": N train, N test"; a data path may hold a colon too.
    source = note.rsplit(":", 1)[0]
    note = (
        f"{source}; its {len(y_train)} training tiles split again 50/50 "
        f"(random_state={split_seed}): fit on {len(fit)}, read {len(held)}"
    )
    return (
        [X_train[i] for i in fit],
        y_train[fit],
        [X_train[i] for i in held],
        y_train[held],
        note,
    )


def run(settings, seed, n_jobs, data, report):
    from platevision.datasets import DAMAGE_KINDS
    from platevision.restoration import PlateCharacterRestorer

    X_fit, y_fit, X_held, y_held, _ = data
    restorer = PlateCharacterRestorer(random_state=seed, n_jobs=n_jobs, **settings)
    start = time.perf_counter()
    restorer.fit(X_fit, y_fit)
    fit_seconds = time.perf_counter() - start
    restorer.set_params(n_jobs=1)
    rows = []
    cases = [("clean", 0.0)] + [(k, s) for k in DAMAGE_KINDS for s in SEVERITIES]
    for kind, severity in cases:
        tiles, masks = make_condition(X_held, kind, severity)
        scores = proba_scores(restorer.predict_proba(tiles), restorer.classes_, y_held)
        name = "clean" if kind == "clean" else f"{kind} {severity:.1f}"
        line = (
            f"  {name:16s} top-1 {scores['top1']:.3f}  top-3 {scores['top3']:.3f}"
            f"  ECE {scores['ece']:.3f}"
        )
        if kind == "occlusion":
            told = proba_scores(
                restorer.predict_proba(tiles, masks=masks), restorer.classes_, y_held
            )
            line += f"  (true masks: top-1 {told['top1']:.3f})"
        report(line)
        rows.append((scores["top1"], scores["top3"], scores["ece"]))
    table = np.array(rows)
    summary = (
        table[:, 0].mean(),
        table[:, 1].mean(),
        table[:, 2].max(),
        fit_seconds,
    )
    report(
        f"  seed {seed}: mean top-1 {summary[0]:.4f}, top-3 {summary[1]:.4f}, "
        f"worst ECE {summary[2]:.3f}; fit {summary[3]:.0f} s ({n_jobs} jobs)"
    )
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a restorer parameter (a Python literal); may be repeated",
    )
    parser.add_argument("--split-seed", type=int, default=1)
    parser.add_argument(
        "--seeds", default="0", help="restorer random_state values, comma-separated"
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="jobs for fitting")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run on fewer tiles"
    )
    args = parser.parse_args(argv)
    settings = parse_settings(args.set)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if not seeds:
        parser.error("--seeds needs at least one integer")

    report = Report()
    report("PlateCharacterRestorer on a held-out part of the training tiles")
    for line in machine_info():
        if not line.startswith("tesseract"):  # not used here
            report(line)
    data = dev_split(args.quick, args.split_seed)
    report(data[4])
    report(f"restorer parameters: {settings or 'the defaults'}")
    summaries = [run(settings, seed, args.n_jobs, data, report) for seed in seeds]
    if len(summaries) > 1:
        mean = np.mean(summaries, axis=0)
        spread = np.ptp([s[0] for s in summaries])
        report(
            f"mean over {len(seeds)} seeds: top-1 {mean[0]:.4f} (spread "
            f"{spread:.4f}), top-3 {mean[1]:.4f}, worst ECE {mean[2]:.3f}"
        )


if __name__ == "__main__":
    main()
