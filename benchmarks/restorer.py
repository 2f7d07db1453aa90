"""Benchmark PlateCharacterRestorer against Tesseract, HOG + SVC and templates.

Run by hand: ``python benchmarks/restorer.py [--quick] [--no-tesseract] [--save]``.

Protocol. The real character tiles of ``$PLATEVISION_DATA/plates/characters``
(default: ``../shared/data`` next to the project) are split 50/50, stratified
(``train_test_split(..., stratify=y, random_state=0)``). Every method is fit on
the clean training tiles only. The test tiles are read clean, then damaged by
every kind of ``DAMAGE_KINDS`` at severities 0.2, 0.4 and 0.6
(``damage_characters(..., random_state=0)``, which also gives the true masks).
The same is done with synthetic tiles (``make_plate_characters``: fit on 25 per
class, seed 0; test on 10 per class, seed 1).

Methods: the restorer with ``mask='auto'`` and with the known masks
(``masks=``); HOG + SVC; per-class template matching (normalised
cross-correlation with the mean 32x16 tile of each class); the oracle peer,
``skimage.restoration.inpaint_biharmonic`` with the known mask, then the same
HOG + SVC; and Tesseract (a system program, called through ``subprocess``).

Damage of another model. The package's damage model makes the damage the
restorer learns from and is calibrated on; the test tiles are also read under
damage that model does not make, never seen in fitting or calibration (random
erasing with a random grey, as torchvision's ``RandomErasing``; Gaussian noise;
salt and pepper; Gaussian blur; low resolution; JPEG; a shadow across the tile;
rotation), to see how the methods hold up under a damage model not their own.

Prints the figures it measured (no assertions); ``--save`` also writes them to
``benchmarks/results/restorer.txt``. ``--quick`` is a smoke run on fewer tiles
and conditions: its figures are not the benchmark's.
"""

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "restorer.txt"
DEFAULT_DATA = ROOT.parent / "shared" / "data"

SEVERITIES = (0.2, 0.4, 0.6)
TEMPLATE_SHAPE = (32, 16)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TESSERACT_ARGS = ["--psm", "10", "-c", f"tessedit_char_whitelist={ALPHABET}"]
TESSERACT_BATCH = 64
TESSERACT_WORKERS = 2
#: Method columns of the accuracy tables, in order.
METHODS = (
    ("restorer_auto", "restorer auto"),
    ("restorer_mask", "restorer mask"),
    ("hog_svc", "HOG+SVC"),
    ("templates", "templates"),
    ("oracle", "bih+HOG+SVC*"),
    ("tesseract", "Tesseract"),
)
#: The issue's targets for the restorer with mask='auto'.
TARGETS = {"clean_top1": 0.95, 0.4: (0.90, 0.98), 0.6: (0.85, 0.95), "ece": 0.05}
TARGET_MS = 2.0
#: Characters drawn with the same glyph in the real tiles' font (the data's README
#: says so): no reader of single tiles can tell them apart, only plate syntax can.
LOOKALIKES = {"O": "0", "I": "1"}


class Report:
    """Print lines and keep them, to save the report as printed."""

    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        text = text.rstrip()
        print(text, flush=True)
        self.lines.append(text)

    def save(self, path):
        """Write the lines to ``path`` whole or not at all (a file beside it,
        then renamed)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(self.lines) + "\n")
        tmp.replace(path)
        progress(f"saved {path}")


def progress(text):
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------- set-up


def machine_info():
    import skimage
    import sklearn

    import platevision

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"machine: {platform.system()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} cores",
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, scikit-image {skimage.__version__}, "
        f"platevision {platevision.__version__}",
    ]
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        lines.append(f"commit: {commit}" + (" (with local changes)" if dirty else ""))
    except (OSError, subprocess.CalledProcessError):
        pass
    lines.append(f"restorer sources (sha256 of the files read): {source_fingerprint()}")
    tesseract = shutil.which("tesseract")
    if tesseract:
        version = subprocess.run(
            [tesseract, "--version"], capture_output=True, text=True, check=False
        )
        first = (version.stdout or version.stderr).splitlines()[:1]
        lines.append(f"tesseract: {first[0] if first else '?'} ({tesseract})")
    return lines


def source_fingerprint():
    """A short hash of the code measured, to tie the figures to it.

    The restorer is imported first, so the hash is of the files it was loaded
    from (unless they change in between).
    """
    import hashlib

    import platevision.restoration

    package = Path(platevision.restoration.__file__).resolve().parents[1]
    files = sorted((package / "restoration").glob("*.py"))
    files += [package / "datasets" / "_damage.py"]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return f"{digest.hexdigest()[:12]} (restoration/*.py, datasets/_damage.py)"


def stratified_subset(y, n, seed=0):
    """Indices of about ``n`` items of ``y``, stratified (all when n >= len)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    if n >= len(y):
        return index
    chosen, _ = train_test_split(index, train_size=n, stratify=y, random_state=seed)
    return np.sort(chosen)


def real_data(quick):
    from sklearn.model_selection import train_test_split

    from platevision.datasets import load_plate_characters

    data_home = os.environ.get("PLATEVISION_DATA", str(DEFAULT_DATA))
    X, y = load_plate_characters(data_home=data_home, return_X_y=True, load_images=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    note = (
        f"{len(X)} real tiles from {data_home}/plates/characters, "
        f"{len(np.unique(y))} classes; stratified 50/50 split (random_state=0)"
    )
    if quick:
        train = stratified_subset(y_train, 360)
        test = stratified_subset(y_test, 144)
        X_train, y_train = [X_train[i] for i in train], y_train[train]
        X_test, y_test = [X_test[i] for i in test], y_test[test]
        note += "; --quick: stratified subsets"
    note += f": {len(X_train)} train, {len(X_test)} test"
    return X_train, y_train, X_test, y_test, note


def synthetic_data(quick):
    from platevision.datasets import make_plate_characters

    n_train, n_test = (8, 3) if quick else (25, 10)
    train = make_plate_characters(n_train, random_state=0)
    test = make_plate_characters(n_test, random_state=1)
    note = (
        f"make_plate_characters: train n_per_class={n_train} (seed 0, "
        f"{len(train.target)} tiles), test n_per_class={n_test} (seed 1, "
        f"{len(test.target)} tiles), {train.images.shape[1:]} tiles"
    )
    return list(train.images), train.target, list(test.images), test.target, note


def conditions(quick):
    from platevision.datasets import DAMAGE_KINDS

    severities = (0.4,) if quick else SEVERITIES
    return [("clean", 0.0)] + [
        (kind, severity) for kind in DAMAGE_KINDS for severity in severities
    ]


def condition_name(kind, severity):
    return "clean" if kind == "clean" else f"{kind} {severity:.1f}"


def make_condition(clean, kind, severity):
    """Damaged tiles and true masks (lists); the clean tiles with empty masks."""
    from platevision.datasets import damage_characters

    if kind == "clean":
        return list(clean), [np.zeros(t.shape, dtype=bool) for t in clean]
    damaged, masks = damage_characters(
        clean, kind=kind, severity=severity, random_state=0
    )
    return list(damaged), list(masks)


#: Damage the package's model does not make, with its strength: never used to
#: fit or calibrate anything here.
UNSEEN_DAMAGE = (
    ("erasing", 0.2),
    ("erasing", 0.35),
    ("noise", 0.2),
    ("salt and pepper", 0.1),
    ("blur", 2.0),
    ("low resolution", 0.4),
    ("jpeg", 10),
    ("shadow", 0.6),
    ("rotation", 10),
)


def unseen_damage(tile, kind, strength, rng):
    """``tile`` (grey, [0, 1]) under damage of another model than the package's."""
    import cv2

    if tile.ndim != 2 or tile.min() < 0.0 or tile.max() > 1.0:
        # A tile of 0-255 would be clipped to black and white, silently.
        msg = (
            "unseen_damage takes a grey tile in [0, 1] (see as_float); got shape "
            f"{tile.shape}, values {tile.min()} to {tile.max()}."
        )
        raise ValueError(msg)
    h, w = tile.shape
    out = tile.astype(np.float32)
    if kind == "erasing":  # a rectangle of a random grey over `strength` of the tile
        area, ratio = strength * h * w, np.exp(rng.uniform(np.log(0.3), np.log(3.3)))
        eh = int(min(h, round(np.sqrt(area * ratio))))
        ew = int(min(w, round(np.sqrt(area / ratio))))
        y0, x0 = rng.integers(0, h - eh + 1), rng.integers(0, w - ew + 1)
        out = out.copy()
        out[y0 : y0 + eh, x0 : x0 + ew] = rng.uniform()
    elif kind == "noise":
        out = out + rng.normal(0.0, strength, out.shape)
    elif kind == "salt and pepper":
        u = rng.uniform(size=out.shape)
        out = np.where(u < strength / 2, 0.0, np.where(u > 1 - strength / 2, 1.0, out))
    elif kind == "blur":
        out = cv2.GaussianBlur(out, (0, 0), strength)
    elif kind == "low resolution":
        small = (max(2, round(w * strength)), max(2, round(h * strength)))
        out = cv2.resize(out, small, interpolation=cv2.INTER_AREA)
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR)
    elif kind == "jpeg":
        quality = [cv2.IMWRITE_JPEG_QUALITY, int(strength)]
        _, buffer = cv2.imencode(".jpg", np.round(out * 255).astype(np.uint8), quality)
        out = cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE) / 255.0
    elif kind == "shadow":  # light falls off linearly across the tile
        fall = np.linspace(1.0 - strength, 1.0, w)
        out = out * (fall if rng.uniform() < 0.5 else fall[::-1])[None, :]
    elif kind == "rotation":
        angle = rng.uniform(-strength, strength)
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1)
        out = cv2.warpAffine(out, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, 0.0, 1.0).astype(np.float64)


def unseen_condition(clean, kind, strength, seed):
    rng = np.random.default_rng(seed)
    return [unseen_damage(tile, kind, strength, rng) for tile in clean]


# ------------------------------------------------------------------- metrics


def top_k(proba, classes, y, k):
    column = {label: i for i, label in enumerate(classes.tolist())}
    truth = np.array([column.get(label, -1) for label in y.tolist()])
    order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
    return float((order == truth[:, None]).any(axis=1).mean())


def _merge(labels):
    return np.asarray([LOOKALIKES.get(str(c), str(c)) for c in labels])


def top1_merged(proba, classes, y):
    """Top-1 accuracy with each look-alike pair (O/0, I/1) counted as one class."""
    best = np.asarray(classes)[np.argmax(proba, axis=1)]
    return float(np.mean(_merge(best) == _merge(y)))


def lookalike_ceiling(y_train, y_test):
    """The best top-1 a reader of single tiles can reach if look-alikes are truly
    the same glyph: each pair answered by its more frequent training class."""
    train = np.asarray([str(c) for c in y_train])
    wrong = 0
    for merged in set(LOOKALIKES.values()):
        group = [c for c, m in LOOKALIKES.items() if m == merged] + [merged]
        majority = max(group, key=lambda c: np.sum(train == c))
        wrong += sum(np.sum(np.asarray(y_test).astype(str) == c) for c in group) - (
            np.sum(np.asarray(y_test).astype(str) == majority)
        )
    return 1.0 - wrong / len(y_test)


def proba_scores(proba, classes, y):
    from platevision.metrics import expected_calibration_error, multiclass_brier_score

    return {
        "top1": top_k(proba, classes, y, 1),
        "top3": top_k(proba, classes, y, 3),
        "top1_merged": top1_merged(proba, classes, y),
        "ece": expected_calibration_error(y, proba, labels=classes),
        "brier": multiclass_brier_score(y, proba, labels=classes),
    }


def ssim_window(shape):
    """7, or the largest odd number not above the tile's smaller side."""
    side = min(shape)
    return min(7, side if side % 2 else side - 1)


def restoration_quality(clean, restored, masks):
    """PSNR over the pooled masked pixels; SSIM over them (the mean of the
    SSIM map, pooled); mean full-tile SSIM."""
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    truth = np.concatenate([c[m] for c, m in zip(clean, masks, strict=True)])
    guess = np.concatenate([r[m] for r, m in zip(restored, masks, strict=True)])
    psnr = (
        peak_signal_noise_ratio(truth, guess, data_range=1.0)
        if truth.size
        else float("nan")
    )
    tile_ssim, inside = [], []
    for c, r, m in zip(clean, restored, masks, strict=True):
        value, local = structural_similarity(
            c, r, data_range=1.0, win_size=ssim_window(c.shape), full=True
        )
        tile_ssim.append(value)
        inside.append(local[m])
    pooled = np.concatenate(inside)
    ssim_inside = float(np.mean(pooled)) if pooled.size else float("nan")
    return psnr, ssim_inside, float(np.mean(tile_ssim))


def mask_quality(found, masks):
    tp = fp = fn = n = 0
    for f, m in zip(found, masks, strict=True):
        tp += int(np.count_nonzero(f & m))
        fp += int(np.count_nonzero(f & ~m))
        fn += int(np.count_nonzero(~f & m))
        n += m.size
    nan = float("nan")
    damaged = tp + fn > 0  # with no true damage only the flagged share means much
    return {
        "precision": tp / (tp + fp) if damaged and tp + fp else nan,
        "recall": tp / (tp + fn) if damaged else nan,
        "iou": tp / (tp + fp + fn) if damaged else nan,
        "flagged": (tp + fp) / n,
        "true": (tp + fn) / n,
    }


# --------------------------------------------------------------------- peers


def make_hog_svc():
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    from platevision.features import HOGTransformer

    return make_pipeline(
        HOGTransformer(TEMPLATE_SHAPE, pixels_per_cell=(4, 4)),
        SVC(C=10, probability=True, random_state=0),
    )


def fit_hog_svc(X, y):
    with warnings.catch_warnings():
        # scikit-learn 1.9 deprecates SVC(probability=True) (warned in fit); the
        # peer is defined with it, and the printout says so.
        warnings.filterwarnings("ignore", "The `probability` parameter", FutureWarning)
        return make_hog_svc().fit(X, y)


def _zscore_rows(A):
    A = A - A.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(A, axis=1, keepdims=True)
    return A / np.where(norm > 0, norm, 1.0)


class TemplateMatcher:
    """Normalised cross-correlation with the mean resized tile of each class."""

    def fit(self, X, y):
        vectors = self._vectors(X)
        self.classes_ = np.unique(y)
        self.templates_ = _zscore_rows(
            np.stack([vectors[y == label].mean(axis=0) for label in self.classes_])
        )
        return self

    @staticmethod
    def _vectors(X):
        from platevision.utils import check_image, resize_image

        return np.stack(
            [
                resize_image(check_image(x, mode="grey"), TEMPLATE_SHAPE).ravel()
                for x in X
            ]
        )

    def decision_function(self, X):
        return _zscore_rows(self._vectors(X)) @ self.templates_.T


def inpaint_known(tiles, masks):
    from skimage.restoration import inpaint_biharmonic

    return [
        inpaint_biharmonic(t, m) if m.any() else t.copy()
        for t, m in zip(tiles, masks, strict=True)
    ]


def as_float(tiles):
    from platevision.utils import check_image

    return [check_image(t, mode="grey") for t in tiles]


# ----------------------------------------------------------------- Tesseract


def _to_uint8(tile):
    return np.round(np.clip(tile, 0.0, 1.0) * 255.0).astype(np.uint8)


def _upscale(tile, factor=4):
    from PIL import Image

    image = Image.fromarray(_to_uint8(tile))
    size = (tile.shape[1] * factor, tile.shape[0] * factor)
    return np.asarray(image.resize(size, Image.Resampling.BICUBIC))


def _binarise(image):
    from skimage.filters import threshold_otsu

    if image.max() == image.min():
        return np.full(image.shape, 255, dtype=np.uint8)
    return np.where(image > threshold_otsu(image), 255, 0).astype(np.uint8)


def _border(image, width):
    return np.pad(image, width, constant_values=255)


#: Tesseract preprocessing variants: name -> float tile to uint8 image.
VARIANTS = {
    "as is": _to_uint8,
    "x4+border": lambda t: _border(_upscale(t), 16),
    "otsu+border": lambda t: _border(_binarise(_to_uint8(t)), 4),
    "x4+otsu+border": lambda t: _border(_binarise(_upscale(t)), 16),
}


def _tesseract_env():
    # One thread per tesseract process: the pool's workers are the parallelism.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _run_tesseract_batch(images):
    """Read a batch of images with one tesseract process (a list file).

    Tesseract reads a text file listing image paths as a multi-page document
    and separates the pages' text with form feeds, so the traineddata is loaded
    once per batch instead of once per tile.
    """
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="pv-tess-") as folder:
        paths = []
        for i, image in enumerate(images):
            path = os.path.join(folder, f"{i:05d}.png")
            Image.fromarray(image).save(path)
            paths.append(path)
        listing = os.path.join(folder, "list.txt")
        Path(listing).write_text("\n".join(paths) + "\n")
        out = subprocess.run(
            ["tesseract", listing, "stdout", *TESSERACT_ARGS],
            capture_output=True,
            text=True,
            env=_tesseract_env(),
            check=False,
        ).stdout
        pages = out.split("\f")[: len(images)]
        if len(pages) == len(images):
            return ["".join(page.split()) for page in pages]
        # Unexpected output: read one tile per process instead.
        return [_run_tesseract_one(path) for path in paths]


def _run_tesseract_one(path):
    out = subprocess.run(
        ["tesseract", path, "stdout", *TESSERACT_ARGS],
        capture_output=True,
        text=True,
        env=_tesseract_env(),
        check=False,
    ).stdout
    return "".join(out.split())


def tesseract_read(tiles, variant, pool):
    images = [VARIANTS[variant](t) for t in tiles]
    batches = [
        images[i : i + TESSERACT_BATCH] for i in range(0, len(images), TESSERACT_BATCH)
    ]
    return [text for part in pool.map(_run_tesseract_batch, batches) for text in part]


def tesseract_self_check(tiles, n=40):
    """Batch reading against one process per tile, on ``n`` tiles."""
    images = [VARIANTS["x4+border"](t) for t in tiles[:n]]
    start = time.perf_counter()
    batch = _run_tesseract_batch(images)
    batch_time = time.perf_counter() - start
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="pv-tess-") as folder:
        single = []
        start = time.perf_counter()
        for i, image in enumerate(images):
            path = os.path.join(folder, f"{i}.png")
            Image.fromarray(image).save(path)
            single.append(_run_tesseract_one(path))
        single_time = time.perf_counter() - start
    agree = sum(a == b for a, b in zip(batch, single, strict=True))
    return agree, len(images), 1000 * batch_time / n, 1000 * single_time / n


# ------------------------------------------------------------------ run a set


def evaluate(name, X_train, y_train, X_test, y_test, quick, use_tesseract, pool):
    from threadpoolctl import threadpool_limits

    from platevision.restoration import PlateCharacterRestorer

    fit_seconds = {}
    progress(f"{name}: fitting the restorer on {len(X_train)} clean tiles")
    # Its proposal networks are fitted in 2 processes; read in one (timing).
    restorer = PlateCharacterRestorer(random_state=0, n_jobs=2)
    with threadpool_limits(1):
        start = time.perf_counter()
        restorer.fit(X_train, y_train)
        fit_seconds["restorer"] = time.perf_counter() - start
    progress(f"{name}: restorer fit in {fit_seconds['restorer']:.1f} s")

    with threadpool_limits(1):
        start = time.perf_counter()
        hog_svc = fit_hog_svc(X_train, y_train)
        fit_seconds["hog_svc"] = time.perf_counter() - start
        start = time.perf_counter()
        templates = TemplateMatcher().fit(X_train, y_train)
        fit_seconds["templates"] = time.perf_counter() - start

    clean = as_float(X_test)
    results = defaultdict(dict)
    masks_found, restoration = {}, {}
    tess_variant, tess_all, tess_empty = {}, {}, {}
    seconds = defaultdict(float)
    n_tiles = len(clean)
    for kind, severity in conditions(quick):
        cond = condition_name(kind, severity)
        progress(f"{name}: {cond}")
        tiles, masks = make_condition(clean, kind, severity)

        proba = restorer.predict_proba(tiles)
        results[cond]["restorer_auto"] = proba_scores(proba, restorer.classes_, y_test)
        proba = restorer.predict_proba(tiles, masks=masks)
        results[cond]["restorer_mask"] = proba_scores(proba, restorer.classes_, y_test)
        found = restorer.find_damage(tiles)
        masks_found[cond] = mask_quality(found, masks)
        restored_auto = restorer.restore(tiles)
        restored_mask = restorer.restore(tiles, masks=masks)

        with threadpool_limits(1):
            start = time.perf_counter()
            proba = hog_svc.predict_proba(tiles)
            seconds["hog_svc"] += time.perf_counter() - start
            results[cond]["hog_svc"] = proba_scores(proba, hog_svc.classes_, y_test)

            start = time.perf_counter()
            scores = templates.decision_function(tiles)
            seconds["templates"] += time.perf_counter() - start
            s = {
                "top1": top_k(scores, templates.classes_, y_test, 1),
                "top3": top_k(scores, templates.classes_, y_test, 3),
            }
            results[cond]["templates"] = s

            start = time.perf_counter()
            inpainted = inpaint_known(tiles, masks)
            proba = hog_svc.predict_proba(inpainted)
            seconds["oracle"] += time.perf_counter() - start
            results[cond]["oracle"] = proba_scores(proba, hog_svc.classes_, y_test)

        restoration[cond] = {
            "damaged": restoration_quality(clean, tiles, masks),
            "biharmonic (known mask)": restoration_quality(clean, inpainted, masks),
            "restorer auto": restoration_quality(clean, restored_auto, masks),
            "restorer mask": restoration_quality(clean, restored_mask, masks),
        }

        if use_tesseract:
            accuracy = {}
            for variant in VARIANTS:
                start = time.perf_counter()
                texts = tesseract_read(tiles, variant, pool)
                seconds[f"tesseract {variant}"] += time.perf_counter() - start
                texts = np.asarray(texts, dtype=object)
                accuracy[variant] = (
                    float(np.mean(texts == y_test.astype(object))),
                    float(np.mean(texts == "")),
                )
            best = max(accuracy, key=lambda v: accuracy[v][0])
            results[cond]["tesseract"] = {
                "top1": accuracy[best][0],
                "top3": accuracy[best][0],
            }
            tess_variant[cond], tess_all[cond] = best, accuracy
            tess_empty[cond] = accuracy[best][1]

    unseen = {}
    damages = UNSEEN_DAMAGE[:2] if quick else UNSEEN_DAMAGE
    for seed, (kind, strength) in enumerate(damages):
        cond = f"{kind} {strength:g}"
        progress(f"{name}: {cond} (another damage model)")
        tiles = unseen_condition(clean, kind, strength, seed)
        proba = restorer.predict_proba(tiles)
        scores = templates.decision_function(tiles)
        unseen[cond] = {
            "restorer_auto": proba_scores(proba, restorer.classes_, y_test),
            "hog_svc": proba_scores(
                hog_svc.predict_proba(tiles), hog_svc.classes_, y_test
            ),
            "templates": {
                "top1": top_k(scores, templates.classes_, y_test, 1),
                "top3": top_k(scores, templates.classes_, y_test, 3),
            },
        }

    n_conditions = len(conditions(quick))
    per_tile = {k: 1000 * v / (n_tiles * n_conditions) for k, v in seconds.items()}

    progress(f"{name}: timing the restorer on one core")
    restorer.set_params(n_jobs=1)
    timing = {}
    timed_conditions = [("clean", 0.0), ("chips", 0.4)]
    repeats = 2 if quick else 3
    with threadpool_limits(1):
        for kind, severity in timed_conditions:
            tiles, _ = make_condition(clean, kind, severity)
            for method in ("predict_proba", "restore"):
                best = np.inf
                for _ in range(repeats):
                    start = time.perf_counter()
                    getattr(restorer, method)(tiles)
                    best = min(best, time.perf_counter() - start)
                timing[(condition_name(kind, severity), method)] = 1000 * best / n_tiles
    return {
        "results": results,
        "unseen": unseen,
        "masks": masks_found,
        "restoration": restoration,
        "tess_variant": tess_variant,
        "tess_all": tess_all,
        "tess_empty": tess_empty,
        "fit_seconds": fit_seconds,
        "per_tile": per_tile,
        "timing": timing,
        "repeats": repeats,
        "n_tiles": n_tiles,
        "ceiling": lookalike_ceiling(y_train, y_test),
        "min_side": min(min(t.shape) for t in clean),
    }


# -------------------------------------------------------------------- print


def fmt(value, digits=3):
    return "-" if value is None or np.isnan(value) else f"{value:.{digits}f}"


def print_set(report, title, note, run, use_tesseract):
    results, conds = run["results"], list(run["results"])
    report()
    report("=" * 100)
    report(title)
    report(note)
    report("=" * 100)

    report()
    report("Accuracy: top-1 (top-3)")
    methods = [m for m in METHODS if use_tesseract or m[0] != "tesseract"]
    header = f"{'condition':<15}" + "".join(f"{label:>16}" for _, label in methods)
    if use_tesseract:
        header += f"  {'Tesseract variant':<16}"
    report(header)
    for cond in conds:
        row = f"{cond:<15}"
        for key, _ in methods:
            s = results[cond][key]
            row += f"{fmt(s['top1']) + ' (' + fmt(s['top3']) + ')':>16}"
        if use_tesseract:
            row += f"  {run['tess_variant'][cond]:<16}"
        report(row)
    report(
        "* oracle peer: skimage inpaint_biharmonic with the KNOWN mask, then the "
        "same HOG+SVC."
    )
    report(
        "HOG+SVC: HOGTransformer((32, 16), pixels_per_cell=(4, 4)) + SVC(C=10, "
        "probability=True, random_state=0); top-1 is the argmax of predict_proba "
        "(SVC's probability=True is deprecated in scikit-learn 1.9; its warning is "
        "silenced here)."
    )
    report("templates: NCC with the mean 32x16 tile of each class.")
    if use_tesseract:
        report(
            "Tesseract: --psm 10, whitelist 0-9A-Z; top-3 = top-1 (alternatives "
            "not parsed); a multi-character or empty answer counts as wrong."
        )
        report(
            "  The variant shown is the best of 4 preprocessings on that condition's "
            "test tiles (optimistic for Tesseract): "
            + ", ".join(VARIANTS)
            + " (x4: bicubic upscaling; border: white)."
        )
        report("  Top-1 of every variant, and the best variant's empty-answer rate:")
        report(
            f"  {'condition':<15}"
            + "".join(f"{v:>16}" for v in VARIANTS)
            + f"{'empty (best)':>14}"
        )
        for cond in conds:
            report(
                f"  {cond:<15}"
                + "".join(f"{fmt(run['tess_all'][cond][v][0]):>16}" for v in VARIANTS)
                + f"{fmt(run['tess_empty'][cond]):>14}"
            )

    report()
    report("Calibration: ECE (15 bins, top-label) / multiclass Brier score")
    prob_methods = [
        ("restorer_auto", "restorer auto"),
        ("restorer_mask", "restorer mask"),
        ("hog_svc", "HOG+SVC"),
        ("oracle", "bih+HOG+SVC*"),
    ]
    report(f"{'condition':<15}" + "".join(f"{label:>18}" for _, label in prob_methods))
    for cond in conds:
        row = f"{cond:<15}"
        for key, _ in prob_methods:
            s = results[cond][key]
            row += f"{fmt(s['ece']) + ' / ' + fmt(s['brier']):>18}"
        report(row)

    report()
    report("Another damage model (never used to fit or calibrate): top-1 (top-3) ECE")
    unseen_methods = [
        ("restorer_auto", "restorer auto"),
        ("hog_svc", "HOG+SVC"),
        ("templates", "templates"),
    ]
    report(f"{'condition':<20}" + "".join(f"{lab:>22}" for _, lab in unseen_methods))
    for cond, scores in run["unseen"].items():
        row = f"{cond:<20}"
        for key, _ in unseen_methods:
            s = scores[key]
            cell = f"{fmt(s['top1'])} ({fmt(s['top3'])})"
            if "ece" in s:
                cell += f" {fmt(s['ece'])}"
            row += f"{cell:>22}"
        report(row)
    report(
        "  erasing f: a rectangle of f of the tile, of a random grey (as "
        "torchvision's RandomErasing); noise s: Gaussian, sd s; salt and pepper p; "
        "blur s: Gaussian, sd s pixels; low resolution f: down to f of the size and "
        "up again; jpeg q: quality q; shadow k: light falling off linearly by k "
        "across the tile; rotation d: up to d degrees. Seeded per condition."
    )
    report()
    pairs = ", ".join(f"{a}/{b}" for a, b in LOOKALIKES.items())
    report(f"Top-1 with look-alikes ({pairs}) counted as one class")
    report(f"{'condition':<15}" + "".join(f"{label:>18}" for _, label in prob_methods))
    for cond in conds:
        row = f"{cond:<15}"
        for key, _ in prob_methods:
            row += f"{fmt(results[cond][key]['top1_merged']):>18}"
        report(row)
    report(
        f"  Plain top-1 cannot pass {run['ceiling']:.3f} on these test tiles if the "
        "look-alikes share one glyph (each pair answered by its more frequent "
        "training class); the plate reader tells them apart by plate syntax."
    )

    report()
    report(
        "Damage found by find_damage (mask='auto') vs the true mask, pixels "
        "pooled over tiles"
    )
    report(
        f"{'condition':<15}{'precision':>11}{'recall':>9}{'IoU':>8}"
        f"{'% flagged':>11}{'% true':>9}"
    )
    for cond in conds:
        q = run["masks"][cond]
        report(
            f"{cond:<15}{fmt(q['precision']):>11}{fmt(q['recall']):>9}"
            f"{fmt(q['iou']):>8}{100 * q['flagged']:>11.1f}{100 * q['true']:>9.1f}"
        )

    report()
    window = ssim_window((run["min_side"], run["min_side"]))
    report(
        "Restoration vs the undamaged tile: PSNR (dB) and SSIM over the pooled "
        "pixels of the true mask / mean full-tile SSIM"
    )
    report(
        f"  (SSIM win_size = 7, or the largest odd number <= the tile's smaller "
        f"side; {window} on the smallest tile here. SSIM in the mask: the mean "
        "of the SSIM map there. Clean: no mask, full-tile SSIM only.)"
    )
    kinds = list(next(iter(run["restoration"].values())))
    report(f"{'condition':<15}" + "".join(f"{k:>26}" for k in kinds))
    for cond in conds:
        row = f"{cond:<15}"
        for k in kinds:
            psnr, inside, ssim = run["restoration"][cond][k]
            cell = f"{fmt(psnr, 2)} {fmt(inside)} / {fmt(ssim)}"
            row += f"{cell:>26}"
        report(row)
    report(
        "restore(X) restores each tile as its most probable reading; 'damaged' is "
        "the input itself."
    )

    report()
    report(
        "Timing on one core (n_jobs=1, BLAS limited to 1 thread), "
        f"{run['n_tiles']} test tiles"
    )
    report(f"{'method':<44}{'fit, once (s)':>15}{'per tile (ms)':>15}")
    for (cond, method), ms in run["timing"].items():
        label = f"restorer {method} ({cond})"
        fit = (
            fmt(run["fit_seconds"]["restorer"], 1) if method == "predict_proba" else ""
        )
        report(f"{label:<44}{fit:>15}{ms:>15.2f}")
    report(
        f"  (restorer: best of {run['repeats']} runs; fit, in 2 processes, "
        "includes the damaged copies, the calibration and the refit)"
    )
    peers = [
        ("HOG+SVC predict_proba", "hog_svc", "hog_svc"),
        ("templates", "templates", "templates"),
        ("inpaint_biharmonic + HOG+SVC", "oracle", None),
    ]
    for label, key, fit_key in peers:
        fit = fmt(run["fit_seconds"][fit_key], 1) if fit_key else ""
        report(f"{label:<44}{fit:>15}{run['per_tile'][key]:>15.2f}")
    if use_tesseract:
        for variant in VARIANTS:
            key = f"tesseract {variant}"
            label = f"Tesseract {variant} (wall, {TESSERACT_WORKERS} workers)"
            report(f"{label:<44}{'':>15}{run['per_tile'][key]:>15.2f}")
    report("  (peers: mean over all conditions, one run each)")


def print_targets(report, title, run, quick):
    results = run["results"]
    checks = []
    top1 = results["clean"]["restorer_auto"]["top1"]
    checks.append(("clean top-1 >= 0.95", top1, top1 >= TARGETS["clean_top1"]))
    for severity in (0.4, 0.6):
        low1, low3 = TARGETS[severity]
        for cond, methods in results.items():
            if cond == "clean" or not cond.endswith(f"{severity:.1f}"):
                continue
            s = methods["restorer_auto"]
            checks.append((f"{cond} top-1 >= {low1:.2f}", s["top1"], s["top1"] >= low1))
            checks.append((f"{cond} top-3 >= {low3:.2f}", s["top3"], s["top3"] >= low3))
    worst = max(results, key=lambda c: results[c]["restorer_auto"]["ece"])
    ece = results[worst]["restorer_auto"]["ece"]
    n_over = sum(r["restorer_auto"]["ece"] > TARGETS["ece"] for r in results.values())
    checks.append(
        (
            f"ECE <= 0.05 everywhere (worst: {worst}; {n_over}/{len(results)} over)",
            ece,
            ece <= TARGETS["ece"],
        )
    )
    for (cond, method), ms in run["timing"].items():
        text = f"{method} <= 2 ms per tile ({cond}, one core)"
        checks.append((text, ms, ms <= TARGET_MS))
    report()
    report(f"Issue targets, restorer with mask='auto': {title}")
    if quick:
        report("  (--quick: 0.6 severities not run; figures from small subsets)")
    for text, value, passed in checks:
        report(f"  {text:<60}{value:>8.3f}  {'PASS' if passed else 'FAIL'}")
    n_pass = sum(passed for _, _, passed in checks)
    report(f"  {n_pass}/{len(checks)} targets met")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: fewer tiles and conditions"
    )
    parser.add_argument(
        "--no-tesseract", action="store_true", help="leave Tesseract out"
    )
    parser.add_argument(
        "--save", action="store_true", help=f"also write the report to {RESULTS}"
    )
    args = parser.parse_args(argv)
    use_tesseract = not args.no_tesseract
    if use_tesseract and shutil.which("tesseract") is None:
        print("tesseract is not on PATH: running without it", file=sys.stderr)
        use_tesseract = False

    report = Report()
    report("PlateCharacterRestorer benchmark (benchmarks/restorer.py)")
    for line in machine_info():
        report(line)
    if args.quick:
        report("--quick: a smoke run on subsets; these are not the benchmark's figures")
    started = time.perf_counter()

    sets = [
        ("Real plate characters", real_data),
        ("Synthetic characters", synthetic_data),
    ]
    runs = []
    with ThreadPoolExecutor(max_workers=TESSERACT_WORKERS) as pool:
        for title, load in sets:
            X_train, y_train, X_test, y_test, note = load(args.quick)
            if use_tesseract and not runs:
                agree, n, batch_ms, single_ms = tesseract_self_check(as_float(X_test))
                report(
                    f"Tesseract is run in batches of {TESSERACT_BATCH} tiles per "
                    f"process (a list file), {TESSERACT_WORKERS} processes at a time; "
                    f"on {n} test tiles it agrees with one process per tile on "
                    f"{agree}/{n} answers ({batch_ms:.1f} vs {single_ms:.1f} ms/tile)."
                )
            run = evaluate(
                title, X_train, y_train, X_test, y_test, args.quick, use_tesseract, pool
            )
            runs.append((title, note, run))
            print_set(report, title, note, run, use_tesseract)
    report()
    report("=" * 100)
    for title, _, run in runs:
        print_targets(report, title, run, args.quick)
    report()
    report(f"total run time: {(time.perf_counter() - started) / 60:.1f} min")

    if args.save:
        report.save(RESULTS)


if __name__ == "__main__":
    main()
