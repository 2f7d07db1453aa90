"""FaceKNNClassifier on the ORL faces, against its peers; accuracy and speed.

Run by hand: ``python benchmarks/faces.py [--no-save]``. Needs the ORL faces
(``<PLATEVISION_DATA or ../shared/data>/faces/orl``). Prints, and writes to
``benchmarks/results/faces.txt`` (unless ``--no-save``):

* closed set: per person a random half of the photos for training, the rest
  for testing, seeds 0-4; mean and spread of top-1 accuracy, for
  FaceKNNClassifier and peers (Eigenfaces + SVM as in scikit-learn's example,
  HOG + 1-NN, LBP 8x8 + chi-square 1-NN, OpenCV's LBPH / Eigenfaces /
  Fisherfaces and face_recognition's dlib encodings + k-NN);
* relit ORL: the same, with each test face multiplied by a left-to-right ramp
  0.2..1.0 (one-sided lighting), with and without illumination normalisation;
* open set: 30 people known, 10 unknown (seeded): false-accept rate on the
  unknown people and rate of known test faces correctly identified, for
  FaceKNNClassifier (threshold 'auto'), LBPH (threshold by the same rule, on its
  own distances) and face_recognition (its distance threshold 0.6, and the
  same rule);
* speed: fit time, predict time per face with n_jobs=1 and 2, against LBPH and
  face_recognition with the same 200 enrolled faces, and per face vs the number
  of enrolled faces (100 to 10,000 synthetic noisy copies).

The peers are never dependencies of platevision: they run in separate
interpreters, ``CONTRIB_PYTHON`` (default /tmp/contribvenv/bin/python, with
opencv-contrib-python-headless and numpy) and ``DLIB_PYTHON`` (default
/tmp/dlibvenv/bin/python, with dlib-bin, face_recognition,
face_recognition_models, numpy, Pillow and Click). A peer whose interpreter is
missing is skipped, with the reason printed. BLAS and OpenMP run on one thread,
here and in the peers (the machine is shared), so every time is of one core,
except FaceKNNClassifier's with n_jobs=2.

face_recognition's encodings are computed once per photo (and once per relit
photo), in two ways: with the whole photo as the face box, and with its HOG
detector (upsampled once, its default; the largest face, or the whole photo when
it finds none). They are then classified as in its k-NN example:
``KNeighborsClassifier(round(sqrt(n_train)), algorithm='ball_tree',
weights='distance')``, and for the open set a face is unknown when its nearest
training encoding is farther than 0.6.
"""

import argparse
import json
import math
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
RESULTS = ROOT / "benchmarks" / "results" / "faces.txt"
CONTRIB_PYTHON = os.environ.get("CONTRIB_PYTHON", "/tmp/contribvenv/bin/python")
DLIB_PYTHON = os.environ.get("DLIB_PYTHON", "/tmp/dlibvenv/bin/python")
SEEDS = range(5)
TARGET_FAR = 0.05  # FaceKNNClassifier's default, used for every 'auto' threshold
DLIB_THRESHOLD = 0.6  # face_recognition's k-NN example
#: Peer processes run on one thread (the machine is shared; and for fair timings).
ONE_THREAD = {
    **os.environ,
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


class Report:
    """Print lines and keep them, to save the report as printed."""

    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        print(text, flush=True)
        self.lines.extend(text.splitlines() or [""])


say = Report()


def header_lines():
    """The title and the house header (date, machine, versions, commit)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import restorer as house  # the house helpers: date, machine, versions

    skip = ("restorer sources", "tesseract")  # not what this benchmark measures
    lines = [line for line in house.machine_info() if not line.startswith(skip)]
    return ["FaceKNNClassifier benchmark (benchmarks/faces.py)", *lines]


def save(header, enabled):
    if enabled:
        text = "\n".join([*header, *say.lines]).rstrip() + "\n"
        RESULTS.write_text(text, encoding="utf-8")


def half_split(y, seed):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for person in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == person))
        half = len(members) // 2
        train += list(members[:half])
        test += list(members[half:])
    return np.array(train), np.array(test)


def open_split(y, seed):
    """Training and test faces of 30 known people, and the 10 unknown people."""
    rng = np.random.default_rng(100 + seed)
    known_people = rng.permutation(np.unique(y))[:30]
    known = np.isin(y, known_people)
    train, test = half_split(y, seed)
    return train[known[train]], test[known[test]], np.flatnonzero(~known)


def relight(images):
    """One-sided lighting: multiply each face by a left-to-right ramp 0.2..1.0."""
    ramp = np.linspace(0.2, 1.0, images.shape[2])
    return np.rint(images * ramp[np.newaxis, np.newaxis, :]).astype(np.uint8)


def auto_threshold(impostor):
    """FaceKNNClassifier's 'auto' rule, on any distances.

    Parameters
    ----------
    impostor : ndarray of shape (n_train,)
        For each training face, its distance to the nearest training face of a
        different person.

    Returns
    -------
    threshold : float
        The ``TARGET_FAR`` quantile of these distances.
    """
    return float(np.quantile(impostor, TARGET_FAR, method="lower"))


def nearest_impostor(Z, labels):
    """Euclidean distance of each row of ``Z`` to the nearest row of another label."""
    D = np.sqrt(np.maximum(((Z[:, None, :] - Z[None]) ** 2).sum(axis=2), 0))
    D[labels[:, None] == labels[None]] = np.inf
    return D.min(axis=1)


def run_peer(python, script, arrays, mode):
    """Run ``script`` in another interpreter on ``arrays``; its JSON and arrays.

    The arrays go in and come back as ``.npz`` files (no pickle); the script's
    last line of output is JSON.
    """
    with tempfile.TemporaryDirectory() as folder:
        inputs, outputs = Path(folder) / "in.npz", Path(folder) / "out.npz"
        np.savez(inputs, **arrays)
        result = subprocess.run(
            [python, "-c", script, str(inputs), mode, str(outputs)],
            capture_output=True,
            text=True,
            check=True,
            env=ONE_THREAD,
        )
        returned = {}
        if outputs.exists():
            with np.load(outputs, allow_pickle=False) as data:
                returned = {key: data[key] for key in data.files}
    return json.loads(result.stdout.strip().splitlines()[-1]), returned


def peer_status(python, code):
    """Whether ``python`` runs ``code``: (None, its output), or (the reason, None)."""
    if not Path(python).exists():
        return f"{python} not found", None
    run = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["?"])[-1]
        return f"{python} fails: {last}", None
    return None, run.stdout.strip()


# ------------------------------------------------------------ in-process peers


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


# ------------------------------------------------------------- OpenCV contrib

CONTRIB_SCRIPT = r"""
import json, sys, time
import cv2, numpy as np
data = np.load(sys.argv[1], allow_pickle=False)
mode = sys.argv[2]
Xtr, ytr = list(data["Xtr"]), data["ytr"].astype(np.int32)


def nearest(model, faces):
    found = [model.predict(x) for x in faces]
    return [int(f[0]) for f in found], [float(f[1]) for f in found]


out = {}
if mode == "closed":
    for name, make in [("LBPH", cv2.face.LBPHFaceRecognizer_create),
                       ("Eigenfaces", cv2.face.EigenFaceRecognizer_create),
                       ("Fisherfaces", cv2.face.FisherFaceRecognizer_create)]:
        model = make()
        model.train(Xtr, ytr)
        out[name] = nearest(model, data["Xte"])[0]
elif mode == "open":
    # For each training face, its LBPH distance to the nearest training face of
    # another person: train without that person, predict the person's faces.
    impostor = np.zeros(len(ytr))
    for person in np.unique(ytr):
        others = np.flatnonzero(ytr != person)
        model = cv2.face.LBPHFaceRecognizer_create()
        model.train([Xtr[i] for i in others], ytr[others])
        mine = np.flatnonzero(ytr == person)
        impostor[mine] = nearest(model, [Xtr[i] for i in mine])[1]
    model = cv2.face.LBPHFaceRecognizer_create()
    model.train(Xtr, ytr)
    out = {"impostor": impostor.tolist(), "test": nearest(model, data["Xte"]),
           "unknown": nearest(model, data["Xun"])}
elif mode == "speed":
    cv2.setNumThreads(1)
    model = cv2.face.LBPHFaceRecognizer_create()
    start = time.perf_counter()
    model.train(Xtr, ytr)
    out["fit_s"] = time.perf_counter() - start
    Xte = list(data["Xte"])
    nearest(model, Xte[:10])  # warm up
    start = time.perf_counter()
    nearest(model, Xte)
    out["predict_s_per_face"] = (time.perf_counter() - start) / len(Xte)
print(json.dumps(out))
"""

CONTRIB_CHECK = (
    "import cv2; cv2.face.LBPHFaceRecognizer_create(); print(cv2.__version__)"
)


def contrib(mode, X_train, y_train, **arrays):
    """OpenCV's face recognisers, run in the separate contrib venv."""
    labels, codes = np.unique(y_train, return_inverse=True)
    out, _ = run_peer(
        CONTRIB_PYTHON, CONTRIB_SCRIPT, {"Xtr": X_train, "ytr": codes, **arrays}, mode
    )
    if mode == "closed":
        return {name: labels[np.array(p)] for name, p in out.items()}
    if mode == "open":
        for key in ("test", "unknown"):
            out[key] = (labels[np.array(out[key][0])], np.array(out[key][1]))
        out["impostor"] = np.array(out["impostor"])
    return out


# ----------------------------------------------------- dlib / face_recognition

DLIB_SCRIPT = r"""
import json, sys, time
import numpy as np
import dlib, face_recognition as fr
X = np.load(sys.argv[1], allow_pickle=False)["X"]


def rgb(x):
    return np.ascontiguousarray(np.repeat(x[:, :, None], 3, axis=2))


def whole(x):
    return [(0, x.shape[1], x.shape[0], 0)]  # top, right, bottom, left


def hog_box(image, x):
    boxes = fr.face_locations(image)  # HOG, upsampled once (the default)
    if not boxes:
        return whole(x), False
    return [max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))], True


fr.face_encodings(rgb(X[0]), whole(X[0]))  # warm up
encodings = {"box": [], "hog": []}
found = []
start = time.perf_counter()
for x in X:
    encodings["box"].append(fr.face_encodings(rgb(x), whole(x))[0])
box_s = (time.perf_counter() - start) / len(X)
start = time.perf_counter()
for x in X:
    image = rgb(x)
    box, ok = hog_box(image, x)
    encodings["hog"].append(fr.face_encodings(image, box)[0])
    found.append(ok)
hog_s = (time.perf_counter() - start) / len(X)
np.savez(sys.argv[3], box=np.array(encodings["box"]), hog=np.array(encodings["hog"]),
         found=np.array(found))
print(json.dumps({"box_s_per_face": box_s, "hog_s_per_face": hog_s}))
"""

DLIB_CHECK = (
    "import dlib, face_recognition as fr; "
    "print(f'dlib {dlib.__version__}, face_recognition {fr.__version__}')"
)


def dlib_encodings(X):
    """face_recognition's 128-d encodings of every face, both ways, and timings."""
    out, arrays = run_peer(DLIB_PYTHON, DLIB_SCRIPT, {"X": X}, "encode")
    return {**arrays, **out}


def dlib_knn(E_train, y_train, E_test, threshold=None, n_neighbors=None):
    """face_recognition's k-NN example: k = round(sqrt(n)), distance weights."""
    from sklearn.neighbors import KNeighborsClassifier

    k = n_neighbors or int(round(math.sqrt(len(E_train))))
    knn = KNeighborsClassifier(k, algorithm="ball_tree", weights="distance")
    knn.fit(E_train, y_train)
    pred = knn.predict(E_test).astype(object)
    if threshold is not None:
        nearest = knn.kneighbors(E_test, n_neighbors=1)[0][:, 0]
        pred[nearest > threshold] = "unknown"
    return pred


DLIB_WAYS = (("box", "whole photo"), ("hog", "HOG detector"))


# ----------------------------------------------------------------- sections


def closed_set(X, y, peers, relit=False):
    scores = {}

    def add(name, pred, truth):
        scores.setdefault(name, []).append(float(np.mean(pred == truth)))

    for seed in SEEDS:
        train, test = half_split(y, seed)
        X_train, y_train = X[train], y[train]
        X_test = relight(X[test]) if relit else X[test]
        y_test = y[test]
        for ill in ("both", "tan_triggs", None):
            clf = FaceKNNClassifier(illumination=ill).fit(X_train, y_train)
            default = " (default)" if ill == "both" else ""
            add(
                f"FaceKNNClassifier(illumination={ill!r}){default}",
                clf.predict(X_test),
                y_test,
            )
        clf = FaceKNNClassifier("both").fit(X_train, y_train)
        add("FaceKNNClassifier(features='both')", clf.predict(X_test), y_test)
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
        if peers["contrib"]:
            for name, pred in contrib("closed", X_train, y_train, Xte=X_test).items():
                add(f"OpenCV {name}", pred, y_test)
        if peers["dlib"]:
            test_codes = peers["dlib"]["relit" if relit else "plain"]
            for way, label in DLIB_WAYS:
                E = peers["dlib"]["plain"][way]
                E_test = test_codes[way][test]
                for k, how in ((None, "k-NN as its example"), (1, "1-NN")):
                    pred = dlib_knn(E[train], y_train, E_test, n_neighbors=k)
                    add(f"face_recognition ({label}), {how}", pred, y_test)
    title = "relit ORL (test faces x ramp 0.2..1.0)" if relit else "ORL closed set"
    say(f"\n== {title}: top-1 accuracy, 5 train / 5 test per person, seeds 0-4")
    for name, values in scores.items():
        say(f"  {name:60s} {np.mean(values):.4f} +- {np.std(values):.4f}")
    for key, reason in peers["skipped"].items():
        say(f"  {key}: skipped ({reason})")


def open_set(X, y, peers):
    say(
        "\n== open set: 30 known people (5 training faces each), 10 unknown "
        "(all their 100 faces), seeds 0-4"
    )
    say(
        "  'auto' rule (FaceKNNClassifier's with rejection='distance', applied to "
        "LBPH's\n  and face_recognition's distances too): for each training face, "
        "its distance to\n  the nearest training face of another person; threshold "
        f"= the {TARGET_FAR:g} quantile of these"
        "\n  (rejection='ratio', FaceKNNClassifier's default, scores the nearest "
        "distance\n  over the nearest other person's distance instead)"
        "\n  (training faces only). FAR: unknown faces accepted as someone;"
        "\n  identified: known test faces given their right name."
    )
    results = {}

    def add(name, threshold, pred_unknown, pred_test, y_test):
        row = results.setdefault(name, ([], [], []))
        row[0].append(threshold)
        row[1].append(np.mean(pred_unknown != "unknown"))
        row[2].append(np.mean(pred_test == y_test))

    for seed in SEEDS:
        train, test, unknown = open_split(y, seed)
        for rejection in ("ratio", "distance"):
            clf = FaceKNNClassifier(unknown_threshold="auto", rejection=rejection)
            clf.fit(X[train], y[train])
            add(
                f"FaceKNNClassifier ('auto', rejection={rejection!r})",
                clf.threshold_,
                clf.predict(X[unknown]),
                clf.predict(X[test]),
                y[test],
            )
        if peers["contrib"]:
            lbph_open(X, y, train, test, unknown, add)
        if peers["dlib"]:
            dlib_open(peers["dlib"]["plain"], y, train, test, unknown, add)
    say(f"  {'method':60s} {'threshold':>9s} {'FAR':>14s} {'identified':>14s}")
    for name, (thresholds, fars, identified) in results.items():
        say(
            f"  {name:60s} {np.mean(thresholds):9.4f} {np.mean(fars):.3f} +- "
            f"{np.std(fars):.3f} {np.mean(identified):.3f} +- {np.std(identified):.3f}"
        )
    say("  (threshold: mean over the seeds; FAR and identified: mean +- std)")
    for key, reason in peers["skipped"].items():
        say(f"  {key}: skipped ({reason})")


def lbph_open(X, y, train, test, unknown, add):
    out = contrib("open", X[train], y[train], Xte=X[test], Xun=X[unknown])
    threshold = auto_threshold(out["impostor"])

    def decide(key):
        labels, distances = out[key]
        return np.where(distances > threshold, "unknown", labels.astype(object))

    name = "OpenCV LBPH (threshold 'auto' rule, chi2 distance)"
    add(name, threshold, decide("unknown"), decide("test"), y[test])


def dlib_open(codes, y, train, test, unknown, add):
    for way, label in DLIB_WAYS:
        E = codes[way]
        rules = (
            (f"threshold {DLIB_THRESHOLD} (its example)", DLIB_THRESHOLD),
            (
                "threshold 'auto' rule",
                auto_threshold(nearest_impostor(E[train], y[train])),
            ),
        )
        for how, threshold in rules:
            add(
                f"face_recognition ({label}), {how}",
                threshold,
                dlib_knn(E[train], y[train], E[unknown], threshold),
                dlib_knn(E[train], y[train], E[test], threshold),
                y[test],
            )


def face_knn_speed(X, y, train, test):
    for n_jobs in (1, 2):
        clf = FaceKNNClassifier(n_jobs=n_jobs)
        start = time.perf_counter()
        clf.fit(X[train], y[train])
        fit_time = time.perf_counter() - start
        clf.predict(X[test[:10]])  # warm up the workers
        start = time.perf_counter()
        clf.predict(X[test])
        batch = (time.perf_counter() - start) / len(test)
        line = (
            f"  FaceKNNClassifier n_jobs={n_jobs}: fit {fit_time:.2f} s; predict "
            f"{1000 * batch:.2f} ms per face (batch of {len(test)})"
        )
        if n_jobs == 1:
            start = time.perf_counter()
            for face in X[test]:
                clf.predict(face[np.newaxis])
            single = (time.perf_counter() - start) / len(test)
            line += f", {1000 * single:.2f} ms per face one at a time"
        say(line)


def speed(X, y, peers):
    train, test = half_split(y, 0)
    say(
        f"\n== speed (ORL seed 0 split: {len(train)} enrolled faces, "
        f"{len(test)} test faces; peers on one thread)"
    )
    face_knn_speed(X, y, train, test)
    if peers["contrib"]:
        out = contrib("speed", X[train], y[train], Xte=X[test])
        say(
            f"  OpenCV LBPH (cv2.setNumThreads(1)): fit {out['fit_s']:.2f} s; predict "
            f"{1000 * out['predict_s_per_face']:.2f} ms per face (one at a time, "
            "its only way)"
        )
    if peers["dlib"]:
        codes = peers["dlib"]["plain"]
        E, start = codes["box"], time.perf_counter()
        dlib_knn(E[train], y[train], E[test], DLIB_THRESHOLD)
        knn = (time.perf_counter() - start) / len(test)
        say(
            "  face_recognition: encoding "
            f"{1000 * codes['box_s_per_face']:.1f} ms per face with the whole photo "
            f"as box, {1000 * codes['hog_s_per_face']:.1f} ms with HOG detection "
            f"(mean over all {len(X)} faces, one at a time); + k-NN "
            f"{1000 * knn:.2f} ms per face (fit and predict, batch of {len(test)})"
        )
    for key, reason in peers["skipped"].items():
        say(f"  {key}: skipped ({reason})")
    enrolled_speed(X, y, train, test)


def enrolled_speed(X, y, train, test):
    say("\n== predict time per face vs enrolled faces (synthetic noisy copies)")
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
        say(
            f"  {n:6d} enrolled: {1000 * min(timings):.2f} ms per face in a batch "
            f"of 50; {1000 * np.median(one):.2f} ms for a single face"
        )


def find_peers(X):
    """The peers that can run, their versions, and why the others cannot."""
    peers = {"contrib": False, "dlib": None, "skipped": {}, "versions": []}
    reason, version = peer_status(CONTRIB_PYTHON, CONTRIB_CHECK)
    if reason:
        peers["skipped"]["OpenCV LBPH/Eigenfaces/Fisherfaces"] = reason
    else:
        peers["contrib"] = True
        peers["versions"].append(f"opencv-contrib {version} ({CONTRIB_PYTHON})")
    reason, version = peer_status(DLIB_PYTHON, DLIB_CHECK)
    if reason:
        peers["skipped"]["face_recognition"] = reason
    else:
        peers["versions"].append(f"{version} ({DLIB_PYTHON})")
        peers["dlib"] = {
            "plain": dlib_encodings(X),
            "relit": dlib_encodings(relight(X)),
        }
    return peers


def load_average():
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-save", action="store_true", help=f"print only; do not write {RESULTS}"
    )
    return parser.parse_args(argv)


def main(argv=None):
    from threadpoolctl import threadpool_limits

    args = parse_args(argv)

    started = time.perf_counter()
    header = header_lines()
    faces = load_faces(data_home=DATA, load_images=True)
    X, y = np.stack(faces.images), faces.target
    # One BLAS/OpenMP thread here and in the peers: on the shared, loaded 2-core
    # machine, two OpenBLAS threads made the Eigenfaces + SVC grid about 9 times
    # slower (115 s against 12.5 s for one seed).
    threadpool_limits(1)
    say(
        "threads: BLAS/OpenMP limited to 1 (threadpoolctl here, "
        "OMP/OPENBLAS_NUM_THREADS=1 in the peers)"
    )
    say(f"load average (1, 5, 15 min) at the start: {load_average()}")
    peers = find_peers(X)
    say("peers: " + ("; ".join(peers["versions"]) or "none"))
    say(f"ORL: {len(X)} faces of {len(np.unique(y))} people, {X.shape[1:]} px")
    if peers["dlib"]:
        for key, codes in peers["dlib"].items():
            say(
                f"face_recognition's HOG detector found a face in "
                f"{int(codes['found'].sum())} of {len(X)} {key} photos "
                "(the others: whole photo as box)"
            )
    save(header, not args.no_save)
    for section in (
        lambda: closed_set(X, y, peers),
        lambda: closed_set(X, y, peers, relit=True),
        lambda: open_set(X, y, peers),
        lambda: speed(X, y, peers),
    ):
        section()
        save(header, not args.no_save)
    say(
        f"\nrun time: {(time.perf_counter() - started) / 60:.1f} min; load average "
        f"at the end: {load_average()}"
    )
    save(header, not args.no_save)


if __name__ == "__main__":
    sys.exit(main())
