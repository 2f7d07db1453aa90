"""CarForestClassifier on the Stanford Cars make subset, against its peers.

Run by hand: ``python benchmarks/cars.py [--quick] [--no-save]``. Needs
``<PLATEVISION_DATA or ../shared/data>/cars/stanford_cars_make`` (1,367 photos,
10 makes, 110 models). Stratified 5-fold cross-validation on the makes, seed 0,
the same folds for every method and level. Prints, and writes to
``benchmarks/results/cars.txt``, per method and level: accuracy, macro-F1,
top-3 (make) or top-5 (model) accuracy, fit time per training photo and predict
time per test photo. The photos are read and shrunk to 128 x 256 once, before
the folds (every method resizes to that shape anyway), so the times are those of
the methods, not of JPEG decoding.

Methods:

* ``CarForest`` (defaults): Fisher vectors of dense SIFT-like descriptors, with
  mirror images, out-of-fold ridge scores, random forest. At the make level it
  learns from makes; ``CarForest (make, model)`` learns from the pairs and is
  scored on its make and on its model;
* ``FV + ridge``: the same features and mirror images, the ridge classifier
  alone (the linear peer);
* ``HOG + RF``: HOG 128 x 64 + random forest, the naive forest;
* ``majority``: the most frequent class.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from platevision.classification import CarForestClassifier
from platevision.datasets import load_cars
from platevision.features import FisherVectorTransformer, HOGTransformer
from platevision.utils import check_image, resize_image

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PLATEVISION_DATA", ROOT.parent / "shared" / "data"))
N_JOBS = int(os.environ.get("N_JOBS", "2"))
SHAPE = (128, 256)


class FVRidge:
    """Fisher vectors (+ mirror images) and a ridge classifier: the linear peer."""

    def fit(self, X, y):
        from sklearn.linear_model import RidgeClassifier

        self.fv = FisherVectorTransformer(SHAPE, random_state=0, n_jobs=N_JOBS).fit(X)
        F = self.fv.transform(X)
        FF = self.fv.transform([x[:, ::-1] for x in X])
        self.ridge = RidgeClassifier().fit(np.vstack([F, FF]), np.concatenate([y, y]))
        self.classes_ = self.ridge.classes_
        return self

    def predict_proba(self, X):
        F = self.fv.transform(X)
        FF = self.fv.transform([x[:, ::-1] for x in X])
        scores = (
            self.ridge.decision_function(F) + self.ridge.decision_function(FF)
        ) / 2
        return scores  # a ranking, enough for top-k


class Majority:
    def fit(self, X, y):
        self.dummy = DummyClassifier().fit(np.zeros((len(y), 1)), y)
        self.classes_ = self.dummy.classes_
        return self

    def predict_proba(self, X):
        return self.dummy.predict_proba(np.zeros((len(X), 1)))


def hog_rf():
    return CarForestClassifier(
        HOGTransformer((64, 128), n_jobs=N_JOBS),
        image_shape=SHAPE,
        flip=False,
        stack=False,
        random_state=0,
        n_jobs=N_JOBS,
    )


def topk(scores, classes, y, k):
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(
        np.mean([label in classes[row] for label, row in zip(y, order, strict=True)])
    )


def run(name, make_model, X, y, folds, k, rows):
    preds, tops, fit_t, pred_t = np.empty(len(y), dtype=object), [], 0.0, 0.0
    for train, test in folds:
        model = make_model()
        t = time.perf_counter()
        model.fit([X[i] for i in train], y[train])
        fit_t += (time.perf_counter() - t) / len(train)
        t = time.perf_counter()
        scores = model.predict_proba([X[i] for i in test])
        pred_t += (time.perf_counter() - t) / len(test)
        preds[test] = model.classes_[np.argmax(scores, axis=1)]
        tops.append(topk(scores, model.classes_, y[test], k) * len(test))
    rows.append(
        (
            name,
            accuracy_score(y, preds),
            f1_score(y, preds, average="macro"),
            sum(tops) / len(y),
            1e3 * fit_t / len(folds),
            1e3 * pred_t / len(folds),
        )
    )
    print(format_row(rows[-1]), flush=True)


def run_pairs(X, makes, models, folds, rows):
    pred = np.empty((len(makes), 2), dtype=object)
    top3, top5, fit_t, pred_t = 0, 0, 0.0, 0.0
    y = np.column_stack([makes, models])
    for train, test in folds:
        model = CarForestClassifier(random_state=0, n_jobs=N_JOBS)
        t = time.perf_counter()
        model.fit([X[i] for i in train], y[train])
        fit_t += (time.perf_counter() - t) / len(train)
        t = time.perf_counter()
        proba = model.predict_proba([X[i] for i in test])
        pred_t += (time.perf_counter() - t) / len(test)
        pred[test] = np.column_stack(model._hierarchy(proba))
        top3 += topk(proba[0], model.classes_[0], makes[test], 3) * len(test)
        top5 += topk(proba[1], model.classes_[1], models[test], 5) * len(test)
    n = len(folds)
    for level, truth, top in ((0, makes, top3), (1, models, top5)):
        rows[level].append(
            (
                "CarForest (make, model)",
                accuracy_score(truth, pred[:, level]),
                f1_score(truth, pred[:, level], average="macro"),
                top / len(makes),
                1e3 * fit_t / n,
                1e3 * pred_t / n,
            )
        )
        print(format_row(rows[level][-1]), flush=True)


def format_row(row):
    name, acc, f1, top, fit_ms, pred_ms = row
    return f"{name:<26} {acc:8.3f} {f1:8.3f} {top:8.3f} {fit_ms:10.1f} {pred_ms:10.1f}"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="leave out the linear peer and the flat model-level runs",
    )
    parser.add_argument(
        "--no-save",
        action="store_true",
        help="print only; do not write benchmarks/results/cars.txt",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    bunch = load_cars(level="model", data_home=DATA)
    step = int(os.environ.get("CARS_STEP", "1"))  # > 1: a quick smoke run
    t = time.perf_counter()
    X = [
        resize_image(check_image(path, mode="rgb"), SHAPE)
        for path in bunch.images[::step]
    ]
    read_s = time.perf_counter() - t
    makes = np.asarray(bunch.make)[::step]
    models = np.asarray(bunch.model)[::step]
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, makes))
    header = (
        f"{'method':<26} {'accuracy':>8} {'macro-F1':>8} {'top-k':>8} "
        f"{'fit ms/img':>10} {'pred ms/img':>10}"
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import restorer as house  # the house helpers: date, machine, versions

    out = [
        "CarForestClassifier benchmark (benchmarks/cars.py)",
        *[line for line in house.machine_info() if "sources" not in line],
        "",
        f"Stanford Cars make subset: {len(X)} photos, {len(set(makes))} makes, "
        f"{len(set(models))} models; stratified 5-fold CV (seed 0), n_jobs={N_JOBS}; "
        f"reading + resizing once: {1e3 * read_s / len(X):.1f} ms/photo",
    ]
    rows_make, rows_model = [], []
    save = not args.no_save and step == 1

    def report():
        text = "\n".join(out)
        for title, rows in (
            ("make level (top-3)", rows_make),
            ("model level (top-5)", rows_model),
        ):
            text += "\n\n" + title + "\n" + header + "\n"
            text += "\n".join(format_row(r) for r in rows)
        if save:  # after every method: a long run keeps what it measured
            (ROOT / "benchmarks" / "results" / "cars.txt").write_text(text + "\n")
        return text

    def forest():
        return CarForestClassifier(random_state=0, n_jobs=N_JOBS)

    # Cheapest first; --quick leaves out the linear peer and the flat
    # model-level runs (each costs as much as the forest itself).
    quick = args.quick
    plan = [
        (rows_make, "majority", Majority, makes, 3),
        (rows_model, "majority", Majority, models, 5),
        (rows_make, "HOG 64x128 + RF (naive)", hog_rf, makes, 3),
        (rows_model, "HOG 64x128 + RF (naive)", hog_rf, models, 5),
        (rows_make, "CarForest (default)", forest, makes, 3),
    ]
    for rows, name, factory, y, k in plan:
        run(name, factory, X, y, folds, k, rows)
        report()
    run_pairs(X, makes, models, folds, (rows_make, rows_model))
    report()
    if not quick:
        run("FV + ridge (linear)", FVRidge, X, makes, folds, 3, rows_make)
        report()
        run("CarForest (default)", forest, X, models, folds, 5, rows_model)
        run("FV + ridge (linear)", FVRidge, X, models, folds, 5, rows_model)
    print(report())


if __name__ == "__main__":
    main()
