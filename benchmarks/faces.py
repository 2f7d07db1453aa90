"""FaceKNNClassifier on the ORL faces, against its peers; accuracy and speed.

Run by hand: ``python benchmarks/faces.py``. Needs the ORL faces
(``<PLATEVISION_DATA or ../shared/data>/faces/orl``). Prints:

* closed set: per person a random half of the photos for training, the rest
  for testing, seeds 0-4; mean and spread of top-1 accuracy, for
  FaceKNNClassifier and peers (Eigenfaces + SVM as in scikit-learn's example,
  HOG + 1-NN, LBP 8x8 + chi-square 1-NN, and OpenCV's LBPH / Eigenfaces /
  Fisherfaces when a separate venv with opencv-contrib-python-headless exists at
  ``CONTRIB_PYTHON``, default /tmp/contribvenv/bin/python);
* relit ORL: the same, with each test face multiplied by a left-to-right ramp
  0.2..1.0 (one-sided lighting), with and without illumination normalisation;
* open set: 30 people known, 10 unknown (seeded), threshold 'auto' from the
  training faces alone: false-accept rate on the unknown people and rate of
  known test faces correctly identified;
* speed: fit time, predict time per face with n_jobs=1 and 2, and per face vs
  the number of enrolled faces (100 to 10,000 synthetic noisy copies).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from platevision.classification import FaceKNNClassifier
from platevision.datasets import load_faces

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PLATEVISION_DATA", ROOT.parent / "shared" / "data"))
CONTRIB_PYTHON = os.environ.get("CONTRIB_PYTHON", "/tmp/contribvenv/bin/python")
SEEDS = range(5)


def half_split(y, seed):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for person in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == person))
        half = len(members) // 2
        train += list(members[:half])
        test += list(members[half:])
    return np.array(train), np.array(test)


def relight(images):
    """One-sided lighting: multiply each face by a left-to-right ramp 0.2..1.0."""
    ramp = np.linspace(0.2, 1.0, images.shape[2])
    return np.rint(images * ramp[np.newaxis, np.newaxis, :]).astype(np.uint8)


# --------------------------------------------------------------------- peers


def eigenfaces_svm(X_train, y_train, X_test):
    from sklearn.decomposition import PCA
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    flat_train = X_train.reshape(len(X_train), -1) / 255.0
    flat_test = X_test.reshape(len(X_test), -1) / 255.0
    # scikit-learn's example keeps 150 components of LFW; ORL's 200 training
    # faces (133 per CV fold) allow fewer.
    pca = PCA(n_components=100, svd_solver="randomized", whiten=True, random_state=0)
    grid = {"svc__C": [1e3, 5e3, 1e4, 5e4, 1e5], "svc__gamma": [1e-4, 1e-3, 1e-2]}
    search = GridSearchCV(
        make_pipeline(pca, SVC(kernel="rbf", class_weight="balanced")), grid, cv=3
    )
    return search.fit(flat_train, y_train).predict(flat_test)


def hog_1nn(X_train, y_train, X_test):
    from sklearn.neighbors import KNeighborsClassifier

    from platevision.features import HOGTransformer

    hog = HOGTransformer(image_shape=(112, 92))
    knn = KNeighborsClassifier(1).fit(hog.fit_transform(X_train), y_train)
    return knn.predict(hog.transform(X_test))


def lbp_chi2_1nn(X_train, y_train, X_test):
    from platevision.features import LBPTransformer

    lbp = LBPTransformer(grid_shape=(8, 8))
    A, B = lbp.fit_transform(X_test), lbp.transform(X_train)
    total = A[:, None, :] + B[None]
    diff = (A[:, None, :] - B[None]) ** 2
    chi2 = np.sum(np.divide(diff, total, out=np.zeros_like(diff), where=total > 0), 2)
    return y_train[np.argmin(chi2, axis=1)]


CONTRIB_SCRIPT = r"""
import json, sys
import cv2, numpy as np
data = np.load(sys.argv[1], allow_pickle=False)
Xtr, ytr, Xte = data["Xtr"], data["ytr"], data["Xte"]
out = {}
for name, make in [("LBPH", cv2.face.LBPHFaceRecognizer_create),
                   ("Eigenfaces", cv2.face.EigenFaceRecognizer_create),
                   ("Fisherfaces", cv2.face.FisherFaceRecognizer_create)]:
    model = make()
    model.train(list(Xtr), ytr.astype(np.int32))
    out[name] = [int(model.predict(x)[0]) for x in Xte]
print(json.dumps(out))
"""


def opencv_contrib(X_train, y_train, X_test):
    """OpenCV's face recognisers, run in the separate contrib venv."""
    labels, codes = np.unique(y_train, return_inverse=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "split.npz"
        np.savez(path, Xtr=X_train, ytr=codes, Xte=X_test)
        result = subprocess.run(
            [CONTRIB_PYTHON, "-c", CONTRIB_SCRIPT, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
    return {name: labels[np.array(p)] for name, p in json.loads(result.stdout).items()}


def contrib_available():
    if not Path(CONTRIB_PYTHON).exists():
        return False
    code = "import cv2; cv2.face.LBPHFaceRecognizer_create()"
    run = subprocess.run([CONTRIB_PYTHON, "-c", code], capture_output=True)
    return run.returncode == 0


# ----------------------------------------------------------------- sections


def closed_set(X, y, relit=False):
    have_contrib = contrib_available()
    scores = {}

    def add(name, pred, truth):
        scores.setdefault(name, []).append(float(np.mean(pred == truth)))

    for seed in SEEDS:
        train, test = half_split(y, seed)
        X_train, y_train = X[train], y[train]
        X_test = relight(X[test]) if relit else X[test]
        y_test = y[test]
        for ill in ("tan_triggs", None):
            clf = FaceKNNClassifier(illumination=ill).fit(X_train, y_train)
            add(f"FaceKNNClassifier(illumination={ill!r})", clf.predict(X_test), y_test)
        clf = FaceKNNClassifier("both").fit(X_train, y_train)
        add("FaceKNNClassifier('both')", clf.predict(X_test), y_test)
        add(
            "Eigenfaces + SVC (PCA whiten, rbf grid)",
            eigenfaces_svm(X_train, y_train, X_test),
            y_test,
        )
        add("HOG + 1-NN (euclidean)", hog_1nn(X_train, y_train, X_test), y_test)
        add(
            "LBP 8x8 uniform + chi2 1-NN",
            lbp_chi2_1nn(X_train, y_train, X_test),
            y_test,
        )
        if have_contrib:
            for name, pred in opencv_contrib(X_train, y_train, X_test).items():
                add(f"OpenCV {name}", pred, y_test)
    title = "relit ORL (test faces x ramp 0.2..1.0)" if relit else "ORL closed set"
    print(f"\n== {title}: top-1 accuracy, 5 train / 5 test per person, seeds 0-4")
    for name, values in scores.items():
        print(f"  {name:45s} {np.mean(values):.4f} +- {np.std(values):.4f}")
    if not have_contrib:
        print(
            f"  OpenCV LBPH/Eigenfaces/Fisherfaces: skipped ({CONTRIB_PYTHON} with "
            "opencv-contrib-python-headless not available)"
        )


def open_set(X, y):
    print(
        "\n== open set: 30 known people, 10 unknown, threshold 'auto' "
        "(target_far=0.05), seeds 0-4"
    )
    fars, identified, thresholds = [], [], []
    for seed in SEEDS:
        rng = np.random.default_rng(100 + seed)
        known_people = rng.permutation(np.unique(y))[:30]
        known = np.isin(y, known_people)
        train, test = half_split(y, seed)
        train = train[known[train]]
        test = test[known[test]]
        clf = FaceKNNClassifier(unknown_threshold="auto").fit(X[train], y[train])
        far = np.mean(clf.predict(X[~known]) != "unknown")
        ok = np.mean(clf.predict(X[test]) == y[test])
        fars.append(far)
        identified.append(ok)
        thresholds.append(clf.threshold_)
        print(
            f"  seed {seed}: threshold {clf.threshold_:.4f}  FAR on unknown "
            f"{far:.3f}  known correctly identified {ok:.3f}"
        )
    print(
        f"  mean FAR {np.mean(fars):.3f} +- {np.std(fars):.3f}; known correctly "
        f"identified {np.mean(identified):.3f} +- {np.std(identified):.3f}"
    )


def speed(X, y):
    print("\n== speed (ORL, 200 training faces, 200 test faces)")
    train, test = half_split(y, 0)
    for n_jobs in (1, 2):
        clf = FaceKNNClassifier(n_jobs=n_jobs)
        start = time.perf_counter()
        clf.fit(X[train], y[train])
        fit_time = time.perf_counter() - start
        clf.predict(X[test[:10]])  # warm up the workers
        start = time.perf_counter()
        clf.predict(X[test])
        per_face = (time.perf_counter() - start) / len(test)
        print(
            f"  n_jobs={n_jobs}: fit {fit_time:.2f} s; predict "
            f"{1000 * per_face:.2f} ms per face (batch of {len(test)})"
        )

    print("\n== predict time per face vs enrolled faces (synthetic noisy copies)")
    rng = np.random.default_rng(0)
    base = FaceKNNClassifier(unknown_threshold=None).fit(X[train], y[train])
    Z, labels = base._fit_Z, base._fit_y
    query = X[test[:50]]
    for n in (100, 1000, 10_000):
        index = rng.integers(0, len(Z), n)
        clf = FaceKNNClassifier(unknown_threshold=None).fit(X[train], y[train])
        # Enrol n faces: noisy copies of the training features (what enrolment
        # would store), then rebuild the index as partial_fit does.
        clf._fit_Z = np.abs(Z[index] + rng.normal(0, 0.002, (n, Z.shape[1])))
        clf._fit_y = labels[index]
        clf.classes_ = np.unique(clf._fit_y)
        clf._build_index()
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            clf.predict(query)
            timings.append((time.perf_counter() - start) / len(query))
        one = []
        for face in query[:20]:
            start = time.perf_counter()
            clf.predict(face[np.newaxis])
            one.append(time.perf_counter() - start)
        print(
            f"  {n:6d} enrolled: {1000 * min(timings):.2f} ms per face in a batch "
            f"of 50; {1000 * np.median(one):.2f} ms for a single face"
        )


def main():
    faces = load_faces(data_home=DATA, load_images=True)
    X, y = np.stack(faces.images), faces.target
    print(f"ORL: {len(X)} faces of {len(np.unique(y))} people, {X.shape[1:]} px")
    closed_set(X, y)
    closed_set(X, y, relit=True)
    open_set(X, y)
    speed(X, y)


if __name__ == "__main__":
    sys.exit(main())
