"""Checks of the image-input contract that every platevision estimator keeps.

scikit-learn's estimator checks feed 2-D tables; these feed images. Together they
cover the contract: input untouched, uint8 and float agree, a list and a stack
agree, paths and arrays agree, RGBA with full alpha is RGB, bad images get errors
naming the item, parallel runs agree with serial ones, and a fitted estimator
survives ``clone`` and a safe (skops) round trip.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.utils import get_tags

__all__ = ["check_image_estimator", "image_estimator_checks"]


def _fast_params(name: str) -> dict[str, Any]:
    """Parameters that keep the test suite's checks fast (deterministic, small)."""
    if name == "FisherVectorTransformer":
        return {
            "image_shape": (16, 32),
            "n_pca": 8,
            "n_gaussians": 2,
            "random_state": 0,
        }
    if name == "CarForestClassifier":
        from platevision.features import FisherVectorTransformer

        return {
            "features": FisherVectorTransformer(
                (16, 32), n_pca=8, n_gaussians=2, random_state=0
            ),
            "image_shape": (16, 32),
            "n_estimators": 5,
            "random_state": 0,
        }
    if name == "PlateCharacterRestorer":
        # Seeded: two fits are the same only with the same network and damage.
        return {"random_state": 0}
    if name == "PlateReader":
        from platevision.restoration import PlateCharacterRestorer

        restorer = PlateCharacterRestorer(
            n_augment=0, hidden_layer_sizes=(32,), random_state=0
        )
        return {"restorer": restorer, "random_state": 0}
    return {}


def _make_images(
    estimator: Any = None,
    n_samples: int = 8,
    shape: tuple[int, ...] = (24, 20),
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images of two classes a classifier can tell apart, and their labels.

    A plate reader (an estimator with ``read``) gets synthetic plate photos and
    their texts instead.
    """
    if hasattr(estimator, "read"):
        from platevision.datasets import make_plates

        photos, texts = make_plates(
            n_samples, image_shape=(120, 200), random_state=seed, return_X_y=True
        )
        photos = np.round(photos * 255).astype(np.uint8)
        if len(shape) == 3:
            photos = np.repeat(photos[..., None], shape[2], axis=3)
        return photos, texts
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 80, size=(n_samples, *shape), dtype=np.uint8)
    y = np.array(["a", "b"] * (n_samples // 2))
    rows = shape[0]
    images[y == "a", : rows // 2] += 150  # class 'a': bright top half
    images[y == "b", rows // 2 :] += 150  # class 'b': bright bottom half
    return images, y


def _outputs(estimator: Any, X: Any, y: np.ndarray) -> list[np.ndarray]:
    """Fit, then everything the estimator computes on X, as arrays."""
    fitted = clone(estimator).fit(X, y)
    results = []
    for method in ("transform", "predict", "predict_proba", "decision_function"):
        if hasattr(fitted, method):
            results.append(np.asarray(getattr(fitted, method)(X)))
    return results


def _assert_same_outputs(a: list[np.ndarray], b: list[np.ndarray], what: str) -> None:
    assert len(a) == len(b)
    for left, right in zip(a, b, strict=True):
        if left.dtype.kind in "fc":
            np.testing.assert_allclose(left, right, rtol=1e-7, atol=1e-9, err_msg=what)
        else:
            np.testing.assert_array_equal(left, right, err_msg=what)


def check_input_not_modified(name: str, estimator: Any) -> None:
    """Fitting and predicting leave the caller's arrays unchanged."""
    X, y = _make_images(estimator)
    for data in (X, X.astype(np.float64) / 255.0):
        original = data.copy()
        as_list = list(data)
        _outputs(estimator, data, y)
        _outputs(estimator, as_list, y)
        np.testing.assert_array_equal(data, original, err_msg=f"{name} changed X")


def check_dtype_invariance(name: str, estimator: Any) -> None:
    """uint8, uint16 and float images of the same picture give the same results."""
    X, y = _make_images(estimator)
    reference = _outputs(estimator, X, y)
    as_float = X.astype(np.float64) / 255.0
    as_uint16 = X.astype(np.uint16) * 257  # 255 * 257 == 65535
    _assert_same_outputs(reference, _outputs(estimator, as_float, y), f"{name} float")
    _assert_same_outputs(reference, _outputs(estimator, as_uint16, y), f"{name} u16")


def check_list_equals_stack(name: str, estimator: Any) -> None:
    """A list of images and the same images stacked give the same results."""
    X, y = _make_images(estimator)
    _assert_same_outputs(
        _outputs(estimator, X, y), _outputs(estimator, list(X), y), name
    )


def check_paths_equal_arrays(name: str, estimator: Any) -> None:
    """Image files give the same results as the arrays they hold."""
    from PIL import Image

    X, y = _make_images(estimator)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, image in enumerate(X):
            path = Path(folder) / f"image{i}.png"
            Image.fromarray(image).save(path)
            paths.append(path)
        from_files = _outputs(estimator, [str(p) for p in paths], y)
    _assert_same_outputs(_outputs(estimator, X, y), from_files, name)


def check_rgba_opaque_equals_rgb(name: str, estimator: Any) -> None:
    """RGBA images with full alpha give the same results as their RGB part."""
    X, y = _make_images(estimator, shape=(24, 20, 3))
    alpha = np.full(X.shape[:3] + (1,), 255, dtype=np.uint8)
    rgba = np.concatenate([X, alpha], axis=3)
    _assert_same_outputs(_outputs(estimator, X, y), _outputs(estimator, rgba, y), name)


def _assert_raises(
    error: type[Exception], pattern: str, func: Callable[..., Any], *args: Any
) -> None:
    try:
        func(*args)
    except error as err:
        message = str(err)
    else:
        msg = f"{func} did not raise {error.__name__} ({pattern!r})"
        raise AssertionError(msg)
    if not re.search(pattern, message):
        msg = f"{message!r} does not match {pattern!r}"
        raise AssertionError(msg)


def check_bad_images_rejected(name: str, estimator: Any) -> None:
    """NaN, empty, 1-D and 4-D images, and an empty X, raise errors naming them."""
    X, y = _make_images(estimator)
    good = list(X.astype(np.float64) / 255.0)
    cases = {
        "NaN": (np.full((24, 20), np.nan), r"X\[3\] contains NaN"),
        "inf": (np.full((24, 20), np.inf), r"X\[3\] contains NaN or inf"),
        "empty image": (np.zeros((0, 20)), r"X\[3\] is empty"),
        "1-D": (np.zeros(20), r"X\[3\] has 1 dimensions"),
        "4-D": (np.zeros((2, 24, 20, 3)), r"X\[3\] has 4 dimensions"),
        "out of range": (np.full((24, 20), 2.0), r"X\[3\] is a float image"),
    }
    learns = get_tags(estimator).requires_fit
    fitted = clone(estimator).fit(good, y)
    method = "transform" if hasattr(fitted, "transform") else "predict"
    for bad, pattern in cases.values():
        X_bad = [*good[:3], bad, *good[4:]]
        if learns:  # a stateless transformer's fit reads no image, by design
            _assert_raises(ValueError, pattern, clone(estimator).fit, X_bad, y)
        _assert_raises(ValueError, pattern, getattr(fitted, method), X_bad)
    _assert_raises(ValueError, "at least one image", getattr(fitted, method), [])
    _assert_raises(
        ValueError,
        r"Pass \[image\] for a single image",
        getattr(fitted, method),
        good[0],
    )


def check_n_jobs_invariance(name: str, estimator: Any) -> None:
    """Results with ``n_jobs=2`` equal results with ``n_jobs=1``."""
    if "n_jobs" not in estimator.get_params():
        return
    X, y = _make_images(estimator, n_samples=10)
    serial = _outputs(clone(estimator).set_params(n_jobs=1), X, y)
    parallel = _outputs(clone(estimator).set_params(n_jobs=2), X, y)
    _assert_same_outputs(serial, parallel, name)


def check_subset_invariance(name: str, estimator: Any) -> None:
    """The result for an image does not depend on the other images of X."""
    X, y = _make_images(estimator)
    fitted = clone(estimator).fit(X, y)
    for method in ("transform", "predict", "predict_proba"):
        if hasattr(fitted, method):
            whole = np.asarray(getattr(fitted, method)(X))
            parts = [np.asarray(getattr(fitted, method)(X[i : i + 3])) for i in (0, 3)]
            rest = np.asarray(getattr(fitted, method)(X[6:]))
            _assert_same_outputs(
                [np.concatenate([*parts, rest])], [whole], f"{name}.{method}"
            )


def check_fit_is_idempotent(name: str, estimator: Any) -> None:
    """``fit`` returns self, and fitting twice gives the same results."""
    X, y = _make_images(estimator)
    model = clone(estimator)
    assert model.fit(X, y) is model, f"{name}.fit must return self"
    first = _outputs(model, X, y)
    _assert_same_outputs(first, _outputs(model, X, y), name)


def check_skops_round_trip(name: str, estimator: Any) -> None:
    """A fitted estimator saved with skops (no pickle) loads and computes the same."""
    import skops.io as sio

    X, y = _make_images(estimator)
    fitted = clone(estimator).fit(X, y)
    data = sio.dumps(fitted)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    for method in ("transform", "predict", "predict_proba"):
        if hasattr(fitted, method):
            np.testing.assert_array_equal(
                getattr(loaded, method)(X), getattr(fitted, method)(X)
            )
    if is_classifier(fitted):
        np.testing.assert_array_equal(loaded.classes_, fitted.classes_)


_CHECKS: tuple[Callable[[str, Any], None], ...] = (
    check_input_not_modified,
    check_dtype_invariance,
    check_list_equals_stack,
    check_paths_equal_arrays,
    check_rgba_opaque_equals_rgb,
    check_bad_images_rejected,
    check_n_jobs_invariance,
    check_subset_invariance,
    check_fit_is_idempotent,
    check_skops_round_trip,
)


def image_estimator_checks(estimator: Any) -> Iterator[Callable[[], None]]:
    """Yield the image-input checks for an estimator, each ready to call.

    Parameters
    ----------
    estimator : estimator instance
        A platevision estimator (or any estimator taking images).

    Yields
    ------
    check : callable
        A :func:`functools.partial` with no arguments left; its ``func.__name__``
        names the check.

    Examples
    --------
    >>> from platevision.features import LBPTransformer
    >>> from platevision.utils.estimator_checks import image_estimator_checks
    >>> checks = list(image_estimator_checks(LBPTransformer(grid_shape=(2, 2))))
    >>> checks[0].func.__name__
    'check_input_not_modified'
    """
    name = type(estimator).__name__
    for check in _CHECKS:
        yield partial(check, name, estimator)


def check_image_estimator(estimator: Any) -> None:
    """Run every image-input check on an estimator; raise on the first failure.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.

    Raises
    ------
    AssertionError
        A check failed; the message says which and why.

    Examples
    --------
    >>> from platevision.features import HOGTransformer
    >>> from platevision.utils.estimator_checks import check_image_estimator
    >>> check_image_estimator(HOGTransformer(image_shape=(16, 16)))
    """
    for check in image_estimator_checks(estimator):
        check()
