"""Fit PlateReader's row ranking weights and measure them, fold by fold.

Run by hand: ``python benchmarks/rank_weights.py [--fit-region us]
[--test-region br] [--readers DIR] [--save]``.

How ``PlateReader(rank_weights=None)``'s default weights were found, and what
they are worth. The readers of ``benchmarks/plates.py`` (its folds, its fit) read
their test photos, clean and broken (the same damage), with the ranking
before ``rank_weights`` (``OLD_WEIGHTS``): the ranking chooses the rows whose
unsure characters are read again, and reading with the weights being fitted
would make them depend on themselves. For every photo, each row read as a plate
gives its ranking terms (``_RANK_TERMS``) and its best
reading. A conditional logit (the rows of a photo competing to be one whose
best reading is the photo's text; L2 penalty 1e-3, L-BFGS) is fitted on those
photos that have such a row:

- on the fit region's 4 folds, and scored on the fifth (the best ranked row's
  best reading right or not), against the old weights and the defaults (these
  were fitted on all the fit region's photos: scored on their own);
- on all of the fit region's photos: the weights printed, and scored on the
  test region, whose photos they never saw.

The defaults are such a fit's weights on all US photos, rounded, from a first
run whose terms came in another order: this run's fit is within about 15 % of
them (the verifier's weight, near 0, aside). L-BFGS with its default tolerances
stops short of the optimum here (the terms' scales differ a hundredfold), and
what it stops at is what is measured. Run to the optimum on terms scaled to unit
spread, the fit contrasts the mean and the worst template cost far more (mean
+69, worst -150) and read fewer broken plates fitted on 4 folds (121 against
126); an L2 penalty of 1 to 30 there did no better (119 to 121).

Scoring the best row alone leaves out what the reader does after ranking (the
readings of a plate's rows mixed by ``row_temperature``; characters read again):
``benchmarks/plates.py`` measures the whole reader.

``--readers DIR`` keeps the fitted fold readers there as skops files
(``<region><fold>.skops``) and reuses them; fitting one takes about 7 minutes
(US) on 2 cores. ``--save`` writes ``benchmarks/results/rank_weights.txt``.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from unittest import mock

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plates as bench  # noqa: E402  (its data, damage, folds and fit)
import restorer as house  # noqa: E402  (the house helpers: report, machine)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "rank_weights.txt"
L2 = 1e-3
#: The ranking before rank_weights: evidence + verifier - 80 x mean cost.
OLD_WEIGHTS = {"evidence": 1.0, "verifier": 1.0, "mean_cost": -80.0}


def fold_reader(data, region, fold, train, readers):
    """The fold's reader, fitted as ``benchmarks/plates.py`` fits it (kept in
    ``readers`` when given)."""
    from skops.io import dump, get_untrusted_types, load

    path = Path(readers) / f"{region}{fold}.skops" if readers else None
    if path is not None and path.exists():
        reader = load(path, trusted=get_untrusted_types(file=path))
    else:
        house.progress(f"{region} fold {fold}: fitting on {len(train)}")
        reader = bench.fit_reader(data, train)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            dump(reader, path)
    return reader.set_params(rank_weights=OLD_WEIGHTS)


def rows_read(reader, photo):
    """The ranking terms and best reading of each row the reader reads in
    ``photo`` as a plate (as ranked the last time: after re-reading)."""
    from platevision.reader import _reader

    original = _reader.PlateReader._plates_in_rows
    seen = {}

    def recording(self, rows_read, plate_log_p, rows, spans, cost, *context):
        found, ranks, groups = original(
            self, rows_read, plate_log_p, rows, spans, cost, *context
        )
        terms, texts = [], []
        for k, _, readings, evidence in found:
            blobs = np.asarray(spans[k])[list(readings[0][2])]
            terms.append(
                _reader._rank_terms(
                    readings, evidence, plate_log_p[k], cost[blobs], len(rows[k])
                )
            )
            texts.append(readings[0][0])
        seen["rows"] = np.array(terms).reshape(-1, len(_reader._RANK_TERMS)), texts
        return found, ranks, groups

    with mock.patch.object(_reader.PlateReader, "_plates_in_rows", recording):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader.read([photo])
    return seen.get("rows", (np.empty((0, len(_reader._RANK_TERMS))), []))


def region_rows(region, data_home, readers):
    """Per test photo of every fold, clean and broken: (fold, kind, terms,
    which rows read the text)."""
    from sklearn.model_selection import KFold

    data = bench.load_region(region, data_home, False)
    n = len(data["texts"])
    folds = KFold(bench.N_FOLDS, shuffle=True, random_state=0).split(np.arange(n))
    photos = []
    for f, (train, test) in enumerate(folds, start=1):
        reader = fold_reader(data, region, f, train, readers)
        house.progress(f"{region} fold {f}: reading {len(test)} photos twice")
        for i in test:
            truth = data["texts"][i]
            clean = data["photos"][i]
            broken = bench.break_photo(
                clean, data["greys"][i], data["boxes"][i], truth, int(i)
            )[0]
            for kind, photo in (("clean", clean), ("broken", broken)):
                terms, texts = rows_read(reader, photo)
                right = np.array([t == truth for t in texts], dtype=bool)
                photos.append((f, kind, terms, right))
    return photos


def weight_vector(weights):
    from platevision.reader._reader import _RANK_TERMS

    return np.array([float(weights.get(term, 0.0)) for term in _RANK_TERMS])


def fit_logit(photos, start):
    """Weights of the conditional logit over each photo's rows (photos with a
    right row only): the log probability that a right row is the photo's,
    penalised by ``L2``, maximised."""
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    usable = [(x, y) for _, _, x, y in photos if y.any()]

    def loss(w):
        total, grad = L2 * w @ w, 2 * L2 * w
        for x, y in usable:
            s = x @ w
            every, right = logsumexp(s), logsumexp(s[y])
            total -= right - every
            p = np.exp(s - every)  # each row's probability
            q = np.where(y, np.exp(s - right), 0.0)  # the same among right rows
            grad = grad - (q - p) @ x
        return total, grad

    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    if not result.success:
        msg = f"the conditional logit did not converge: {result.message}"
        raise RuntimeError(msg)
    return result.x


def best_row_right(photos, w):
    """Photos whose best ranked row reads the text: clean, broken."""
    counts = {"clean": 0, "broken": 0}
    for _, kind, x, y in photos:
        if len(x):
            counts[kind] += int(y[int(np.argmax(x @ w))])
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-region", default="us", choices=["us", "br"])
    parser.add_argument("--test-region", default="br", choices=["us", "br"])
    parser.add_argument("--readers", help="keep and reuse the fold readers here")
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)

    from platevision.reader._reader import _RANK_TERMS, _RANK_WEIGHTS

    data_home, report = bench.started(
        "PlateReader row ranking weights (benchmarks/rank_weights.py)"
    )
    start = time.perf_counter()
    rows = {
        region: region_rows(region, data_home, args.readers)
        for region in dict.fromkeys([args.fit_region, args.test_region])
    }
    fit = rows[args.fit_region]
    default, old = weight_vector(_RANK_WEIGHTS), weight_vector(OLD_WEIGHTS)
    report(f"terms: {', '.join(_RANK_TERMS)}")
    report(f"default weights: {np.round(default, 2).tolist()}")
    report(f"old weights:     {np.round(old, 2).tolist()}")
    n = {kind: sum(k == kind for _, k, _, _ in fit) for kind in ("clean", "broken")}
    report()
    report(
        f"{args.fit_region.upper()}: the best ranked row reads the text, "
        f"of {n['clean']} clean and {n['broken']} broken photos"
    )
    report(f"fold  {'fitted on the other folds':<42}  clean broken  old  default*")
    cv = {"clean": 0, "broken": 0}
    for f in range(1, bench.N_FOLDS + 1):
        w = fit_logit([p for p in fit if p[0] != f], old)
        test = [p for p in fit if p[0] == f]
        mine, dflt, before = (best_row_right(test, v) for v in (w, default, old))
        for kind in cv:
            cv[kind] += mine[kind]
        report(
            f"{f:>4}  {np.round(w, 1).tolist()!s:<42}  {mine['clean']:>4} "
            f"{mine['broken']:>5}  {before['clean']:>3} {before['broken']:>3}  "
            f"{dflt['clean']:>3} {dflt['broken']:>3}"
        )
    total = {name: best_row_right(fit, v) for name, v in (("d", default), ("o", old))}
    report(
        f"all   fitted on the other folds: {cv['clean']} / {cv['broken']}; "
        f"old {total['o']['clean']} / {total['o']['broken']}; "
        f"default* {total['d']['clean']} / {total['d']['broken']}"
    )
    report("      * fitted on these photos, all folds: scored on its own")
    w = fit_logit(fit, old)
    report()
    report(f"fitted on all {args.fit_region.upper()} photos: {np.round(w, 2).tolist()}")
    if args.test_region != args.fit_region:
        other = rows[args.test_region]
        report(f"{args.test_region.upper()} (never seen), clean / broken:")
        for name, v in (("fitted", w), ("default", default), ("old", old)):
            got = best_row_right(other, v)
            report(f"  {name:<8} {got['clean']} / {got['broken']}")
    report(f"({time.perf_counter() - start:.0f} s)")
    if args.save:
        report.save(RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
