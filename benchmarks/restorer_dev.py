"""Try a PlateCharacterRestorer change on a held-out part of the training tiles.

Run by hand: ``python benchmarks/restorer_dev.py [--set NAME=VALUE ...]
[--split-seed S] [--seeds 0,1] [--n-jobs 2] [--quick] [--beyond]``.

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

``--beyond`` also reads the held-out tiles with a band over 50%, 70% and 90%
of each painted out, in the plate's grey or the ink's: damage past the damage
model's range (which ends at half of the ink gone), with the bands given as
masks and found. It prints top-1 and the mean confidence, to show how sure the
restorer stays where it can read little.
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
    top_k,
)

SEVERITIES = (0.4, 0.6)
#: ``--beyond``: fractions of each tile painted out by a band from one side.
BAND_FRACTIONS = (0.5, 0.7, 0.9)


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


def painted_bands(tiles, fraction, fill, seed=0):
    """Each tile with a band over ``fraction`` of it (from a side drawn at
    random) painted with the plate's grey (``fill='plate'``) or the ink's
    (``'ink'``), and the bands as masks: damage past the damage model's range,
    which ends at half of the ink gone."""
    from platevision.restoration._tiles import ink_map
    from platevision.utils import check_image

    rng = np.random.default_rng(seed)
    painted, masks = [], []
    for index, tile in enumerate(tiles):
        grey = check_image(tile, mode="grey", index=index)
        rows, columns = grey.shape
        side = rng.integers(4)
        mask = np.zeros(grey.shape, dtype=bool)
        depth = round(fraction * (rows if side < 2 else columns))
        if side == 0:
            mask[:depth] = True
        elif side == 1:
            mask[rows - depth :] = True
        elif side == 2:
            mask[:, :depth] = True
        else:
            mask[:, columns - depth :] = True
        _, inverted, _, (low, high), _ = ink_map(grey)
        # levels are of the ink map (ink = 1 - grey unless inverted).
        plate, ink = (low, high) if inverted else (1.0 - low, 1.0 - high)
        painted.append(np.where(mask, plate if fill == "plate" else ink, grey))
        masks.append(mask)
    return painted, masks


def run_beyond(restorer, data, report):
    """Top-1 against mean confidence on tiles painted out past the damage
    model's range, with the bands given as masks and found."""
    _, _, X_held, y_held, _ = data
    for fill in ("plate", "ink"):
        for fraction in BAND_FRACTIONS:
            tiles, masks = painted_bands(X_held, fraction, fill)
            line = f"  band {fraction:.0%} painted {fill:5s}"
            for name, given in (("given", masks), ("found", None)):
                proba = restorer.predict_proba(tiles, masks=given)
                right = top_k(proba, restorer.classes_, y_held, 1)
                sure = proba.max(axis=1).mean()
                line += f"  {name}: top-1 {right:.3f} confidence {sure:.3f}"
            report(line)


def run(settings, seed, n_jobs, data, report, beyond=False):
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
    if beyond:
        run_beyond(restorer, data, report)
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
    parser.add_argument(
        "--beyond",
        action="store_true",
        help="also read tiles painted out past the damage model's range",
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
    summaries = [
        run(settings, seed, args.n_jobs, data, report, args.beyond) for seed in seeds
    ]
    if len(summaries) > 1:
        mean = np.mean(summaries, axis=0)
        spread = np.ptp([s[0] for s in summaries])
        report(
            f"mean over {len(seeds)} seeds: top-1 {mean[0]:.4f} (spread "
            f"{spread:.4f}), top-3 {mean[1]:.4f}, worst ECE {mean[2]:.3f}"
        )


if __name__ == "__main__":
    main()
