"""Validation of the targets of platevision's classifiers, and of counts."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d


def check_labels(
    estimator: Any, y: Any, *, at_least_two: str | None = None
) -> np.ndarray:
    """Check classification labels ``y`` and return them as a 1-D array.

    ``y`` must be given, finite, 1-D (a column vector is flattened with a
    warning, as in scikit-learn) and of a classification type. With
    ``at_least_two`` (what the estimator learns from, e.g. ``"tiles of at least 2
    characters"``), a single class is an error naming it.
    """
    name = type(estimator).__name__
    if y is None:
        msg = f"{name} requires y to be passed, but the target y is None."
        raise ValueError(msg)
    y = column_or_1d(check_array(y, ensure_2d=False, dtype=None), warn=True)
    check_classification_targets(y)
    if at_least_two is not None and len(np.unique(y)) < 2:
        msg = (
            f"{name} needs {at_least_two} (classes) to learn from; got 1 class: "
            f"{np.asarray(y[0]).item()!r}."
        )
        raise ValueError(msg)
    return y


def is_textual(y: np.ndarray) -> bool:
    """Are the labels ``y`` (a checked 1-D array) strings rather than numbers?"""
    return y.dtype.kind in "US" or (len(y) > 0 and isinstance(y[0], str))


def check_int(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int, if it is one (not a bool) and at least ``minimum``.

    A value of another type is a ``TypeError``, one below ``minimum`` a
    ``ValueError``; both name ``name``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        msg = (
            f"{name} must be an int >= {minimum}; got {type(value).__name__} {value!r}."
        )
        raise TypeError(msg)
    if value < minimum:
        msg = f"{name} must be an int >= {minimum}; got {value!r}."
        raise ValueError(msg)
    return int(value)
