"""Validation of the targets of platevision's classifiers."""

from __future__ import annotations

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
            f"{y[0]!r}."
        )
        raise ValueError(msg)
    return y
