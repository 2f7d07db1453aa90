"""Benchmark PlateReader's learned ink (``ink='auto'``) on plates of either polarity.

Run by hand: ``python benchmarks/plates_ink.py [--regions br us] [--fold 0] [--save]``.

Light characters on a dark plate are made from the OpenALPR photos by inverting
them (``255 - photo``): the same plates, the other way round. For each region:

- the polarity votes of all its photos (their true boxes and texts), as is and
  inverted: how well each photo's text row is told by the other photos' (the
  share of its characters whose nearest tile bears the same character), looked
  for among dark marks and among light ones, the votes, and the ``ink_`` they
  give;
- one fold of ``benchmarks/plates.py``'s 5 (``KFold(5, shuffle=True,
  random_state=0)``): ``PlateReader(random_state=0, n_jobs=2)`` fitted on the
  training photos inverted, with ``ink='auto'`` (the default) and with
  ``ink='dark'`` (the default before), and on the photos as they are; the
  test photos read end to end (``n_jobs=1``): exact and top-5 accuracy, fit time.

``--save`` writes the report to ``benchmarks/results/plates_ink.txt``.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plates  # noqa: E402  (load_region, machine_lines)
import restorer as house  # noqa: E402  (the house helpers: report, progress)

RESULTS = plates.ROOT / "benchmarks" / "results" / "plates_ink.txt"


def votes_line(data, inverted):
    from platevision.reader import PlateReader
    from platevision.reader._reader import (
        _ink_votes,
        _learned_ink,
        _told_apart,
        _training_one,
    )
    from platevision.utils._parallel import map_images

    greys = [255 - g if inverted else g for g in data["greys"]]
    told = {}
    for ink in ("dark", "light"):
        found = map_images(
            _training_one,
            greys,
            n_jobs=2,
            reader=PlateReader(),
            texts=data["texts"],
            boxes=list(data["boxes"]),
            ink=ink,
        )
        told[ink] = _told_apart([f[0] for f in found], data["texts"])
    votes = _ink_votes(told["dark"], told["light"])
    parts = [
        f"{ink}: row found in {int((t >= 0).sum())}, told {t[t >= 0].mean():.3f}"
        for ink, t in told.items()
    ]
    return (
        f"{'inverted' if inverted else 'as is':8s}  {'; '.join(parts)}; votes dark "
        f"{votes.count('dark')}, light {votes.count('light')}, none "
        f"{votes.count(None)} -> ink_='{_learned_ink(votes)}'"
    )


def fold_line(data, fold, name, inverted, ink):
    from sklearn.model_selection import KFold

    from platevision.reader import PlateReader

    n = len(data["texts"])
    train, test = list(
        KFold(plates.N_FOLDS, shuffle=True, random_state=0).split(np.arange(n))
    )[fold]
    photos = [255 - g if inverted else g for g in data["greys"]]
    start = time.perf_counter()
    try:
        reader = PlateReader(ink=ink, random_state=0, n_jobs=2).fit(
            [photos[i] for i in train],
            [data["texts"][i] for i in train],
            boxes=data["boxes"][train],
        )
    except ValueError as err:
        return f"{name:34s} fit failed: {err}"
    fit_s = time.perf_counter() - start
    reader.set_params(n_jobs=1)
    reader.restorer_.set_params(n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # photos where no plate is found
        found = reader.read([photos[i] for i in test])
    texts = [data["texts"][i] for i in test]
    exact = np.mean(
        [bool(p) and p[0].text == t for p, t in zip(found, texts, strict=True)]
    )
    top5 = np.mean(
        [
            bool(p) and t in [r[0] for r in p[0].readings[:5]]
            for p, t in zip(found, texts, strict=True)
        ]
    )
    return (
        f"{name:34s} ink_='{reader.ink_}'  cut {reader.n_training_plates_:3d} of "
        f"{len(train)}  exact {exact:.3f}  top-5 {top5:.3f} of {len(test)}  "
        f"fit {fit_s:.0f} s"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", nargs="+", default=["br"], choices=["us", "br"])
    parser.add_argument("--fold", type=int, default=0, choices=range(plates.N_FOLDS))
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args(argv)

    data_home, report = plates.started(
        "PlateReader ink benchmark (benchmarks/plates_ink.py)"
    )
    report(f"data: {data_home / 'plates' / 'openalpr'}; inverted: 255 - the grey photo")
    for region in args.regions:
        house.progress(f"loading {region}")
        data = plates.load_region(region, data_home, False)
        report()
        report(f"{region.upper()}: {len(data['texts'])} photos")
        report("Polarity votes, all photos, true boxes:")
        for inverted in (False, True):
            report("  " + votes_line(data, inverted))
        report(f"Fold {args.fold + 1} of {plates.N_FOLDS}, fitted and read end to end:")
        for name, inverted, ink in (
            ("inverted, ink='auto' (the default)", True, "auto"),
            ("inverted, ink='dark' (the old one)", True, "dark"),
            ("as is, ink='auto'", False, "auto"),
        ):
            house.progress(f"{region}: {name}")
            report("  " + fold_line(data, args.fold, name, inverted, ink))
    if args.save:
        report.save(RESULTS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
