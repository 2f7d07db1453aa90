"""Calibration of predicted class probabilities: expected calibration error, Brier."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils.validation import check_array, column_or_1d

from platevision.utils._sklearn_compat import Interval, validate_params

__all__ = ["expected_calibration_error", "multiclass_brier_score"]

# Rows of y_proba must sum to 1 within this; float32 softmax outputs fit easily.
_ROW_SUM_TOLERANCE = 1e-6


def _check_targets_and_proba(
    y_true: Any, y_proba: Any, labels: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the inputs; return the column index of each truth and y_proba."""
    y_true = np.asarray(y_true)
    if y_true.ndim != 1 and not (y_true.ndim == 2 and y_true.shape[1] == 1):
        msg = f"y_true must be 1-D, of shape (n_samples,); got shape {y_true.shape}."
        raise ValueError(msg)
    y_true = column_or_1d(y_true)
    if y_true.size == 0:
        msg = "y_true must hold at least one sample; got an empty array."
        raise ValueError(msg)
    proba = np.asarray(y_proba)
    if proba.ndim == 1:
        # A binary scorer passes the positive class's probability only, as
        # sklearn's log_loss accepts: that of the second label.
        n_labels = len(np.unique(y_true)) if labels is None else len(labels)
        if n_labels != 2:
            msg = (
                "y_proba must be 2-D, of shape (n_samples, n_classes), unless "
                "there are exactly 2 labels (1-D: the probability of the second); "
                f"got shape {proba.shape} and {n_labels} label(s). Pass labels= "
                "when y_true holds one label of a binary problem."
            )
            raise ValueError(msg)
        proba = check_array(proba, ensure_2d=False, dtype=np.float64)
        proba = np.column_stack([1.0 - proba, proba])
    elif proba.ndim != 2:
        msg = (
            "y_proba must be of shape (n_samples, n_classes) or, for 2 labels, "
            f"(n_samples,); got shape {proba.shape}."
        )
        raise ValueError(msg)
    proba = check_array(proba, dtype=np.float64, input_name="y_proba")
    if proba.shape[0] != y_true.shape[0]:
        msg = (
            f"y_proba must have one row per sample of y_true ({y_true.shape[0]}); "
            f"got {proba.shape[0]} rows."
        )
        raise ValueError(msg)
    if proba.min() < 0.0 or proba.max() > 1.0:
        msg = (
            "y_proba must hold probabilities in [0, 1]; got values in "
            f"[{proba.min():.6g}, {proba.max():.6g}]."
        )
        raise ValueError(msg)
    sums = proba.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > _ROW_SUM_TOLERANCE:
        msg = (
            f"y_proba rows must sum to 1 (within {_ROW_SUM_TOLERANCE:g}); got row "
            f"{worst} summing to {sums[worst]:.9g}."
        )
        raise ValueError(msg)

    if labels is None:
        labels = np.unique(y_true)
        if labels.shape[0] != proba.shape[1]:
            msg = (
                f"y_proba must have one column per label of y_true "
                f"({labels.shape[0]}); got {proba.shape[1]} columns. Pass labels= "
                "to give the column order (e.g. the estimator's classes_)."
            )
            raise ValueError(msg)
    else:
        labels = column_or_1d(np.asarray(labels))
        if len(np.unique(labels)) != labels.shape[0]:
            msg = f"labels must not repeat a label; got {labels.tolist()!r}."
            raise ValueError(msg)
        if labels.shape[0] != proba.shape[1]:
            msg = (
                f"labels must name every column of y_proba ({proba.shape[1]}); "
                f"got {labels.shape[0]} labels."
            )
            raise ValueError(msg)
    column = {label: k for k, label in enumerate(labels.tolist())}
    missing = sorted(
        {label for label in y_true.tolist() if label not in column}, key=str
    )
    if missing:
        msg = (
            f"labels must contain every label of y_true; {missing!r} are not in "
            f"{labels.tolist()!r}."
        )
        raise ValueError(msg)
    truth = np.fromiter(
        (column[label] for label in y_true.tolist()), dtype=np.intp, count=len(y_true)
    )
    return truth, proba


@validate_params(
    {
        "y_true": ["array-like"],
        "y_proba": ["array-like"],
        "labels": ["array-like", None],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def expected_calibration_error(
    y_true: Any, y_proba: Any, *, labels: Any = None, n_bins: int = 15
) -> float:
    """Top-label expected calibration error (ECE) of predicted probabilities.

    Each sample's *confidence* is its largest probability and its prediction the
    label of that column. Confidences are grouped into ``n_bins`` equal-width bins
    of [0, 1]; the ECE is the mean, weighted by the bins' sizes, of the gap
    between the accuracy and the mean confidence in each bin. 0 is perfectly
    calibrated; an overconfident or underconfident reader scores more.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, as returned by ``predict_proba``; each row sums
        to 1. With exactly two labels, a 1-D array is the probability of the
        second label (the positive class), as binary scorers pass it.
    labels : array-like of shape (n_classes,), default=None
        The label of each column of ``y_proba`` (e.g. the estimator's
        ``classes_``). None: the sorted unique labels of ``y_true``, which must
        then be as many as the columns.
    n_bins : int, default=15
        Number of equal-width confidence bins. Bins are closed on the right:
        ``((m - 1) / n_bins, m / n_bins]``.

    Returns
    -------
    ece : float
        In [0, 1].

    Raises
    ------
    ValueError
        Shapes that do not agree, probabilities outside [0, 1] or rows not
        summing to 1 (within 1e-6), a label of ``y_true`` missing from
        ``labels``, or a column count that does not match the labels.

    See Also
    --------
    multiclass_brier_score : A proper scoring rule of the same probabilities.
    sklearn.calibration.calibration_curve : The per-bin figures, for a binary
        problem.

    Notes
    -----
    With :math:`B_m` the samples whose confidence falls in bin :math:`m`,

    .. math::

        \\mathrm{ECE} = \\sum_m \\frac{|B_m|}{n} \\left|
        \\mathrm{acc}(B_m) - \\mathrm{conf}(B_m) \\right|.

    This is the *top-label* ECE of Guo et al. [1]_; it looks at the most probable
    reading only. When two columns tie for the largest probability the first
    counts as the prediction, as in ``np.argmax``. The ECE depends on
    ``n_bins``; compare figures computed with the same value.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of
       Modern Neural Networks", ICML 2017.

    Examples
    --------
    Three right answers at 0.9 and one wrong: 75 % accuracy at 90 % confidence.

    >>> from platevision.metrics import expected_calibration_error
    >>> y_true = ["A", "A", "B", "B"]
    >>> y_proba = [[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.1]]
    >>> round(expected_calibration_error(y_true, y_proba), 3)
    0.15

    ``labels`` gives the column order, such as an estimator's ``classes_``:

    >>> round(expected_calibration_error(["B", "A"], [[0.1, 0.9], [0.8, 0.2]],
    ...                                  labels=["A", "B"]), 3)
    0.15
    >>> expected_calibration_error(["B", "C"], [[0.1, 0.9], [0.8, 0.2]],
    ...                            labels=["A", "B"])
    Traceback (most recent call last):
        ...
    ValueError: labels must contain every label of y_true; ['C'] are not in ...
    """
    truth, proba = _check_targets_and_proba(y_true, y_proba, labels)
    return _top_label_ece(proba.max(axis=1), proba.argmax(axis=1) == truth, n_bins)


def _top_label_ece(confidence: np.ndarray, correct: np.ndarray, n_bins: int) -> float:
    """The ECE of predictions made with probabilities ``confidence`` that are
    ``correct`` or not (the predictions may come from any number of classes,
    such as a plate's texts)."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # side="left" on the inner edges makes bins closed on the right, as in
    # sklearn.calibration.calibration_curve.
    bins = np.searchsorted(edges[1:-1], confidence, side="left")
    counts = np.bincount(bins, minlength=n_bins)
    gap = np.bincount(bins, weights=correct - confidence, minlength=n_bins)
    # sum_m |B_m| / n * |acc_m - conf_m| = sum_m |sum_{i in B_m} (c_i - p_i)| / n
    return float(np.abs(gap[counts > 0]).sum() / len(confidence))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_proba": ["array-like"],
        "labels": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def multiclass_brier_score(y_true: Any, y_proba: Any, *, labels: Any = None) -> float:
    """Multiclass Brier score: mean squared distance to the one-hot truth.

    For each sample, the sum over classes of the squared difference between the
    predicted probability and 1 for the true class (0 for the others), averaged
    over samples. Lower is better; it rewards both accuracy and honest
    probabilities (a proper scoring rule).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples, n_classes) or (n_samples,)
        Predicted probabilities, as returned by ``predict_proba``; each row sums
        to 1. With exactly two labels, a 1-D array is the probability of the
        second label (the positive class), as binary scorers pass it.
    labels : array-like of shape (n_classes,), default=None
        The label of each column of ``y_proba`` (e.g. the estimator's
        ``classes_``). None: the sorted unique labels of ``y_true``, which must
        then be as many as the columns.

    Returns
    -------
    score : float
        In [0, 2]: 0 for certain right answers, 2 for certain wrong ones.

    Raises
    ------
    ValueError
        Shapes that do not agree, probabilities outside [0, 1] or rows not
        summing to 1 (within 1e-6), a label of ``y_true`` missing from
        ``labels``, or a column count that does not match the labels.

    See Also
    --------
    expected_calibration_error : The calibration of the most probable reading.
    sklearn.metrics.brier_score_loss : The binary score, which is half of this
        one for two classes.

    Notes
    -----
    This is Brier's original definition [1]_. For two classes it is twice
    scikit-learn's binary ``brier_score_loss``, which scores the positive class
    only.

    References
    ----------
    .. [1] G. W. Brier, "Verification of Forecasts Expressed in Terms of
       Probability", Monthly Weather Review 78(1), 1950.

    Examples
    --------
    >>> from platevision.metrics import multiclass_brier_score
    >>> y_true = ["8", "B", "8"]
    >>> y_proba = [[0.8, 0.2, 0.0], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]]
    >>> round(multiclass_brier_score(y_true, y_proba, labels=["8", "B", "E"]), 4)
    0.1933
    """
    truth, proba = _check_targets_and_proba(y_true, y_proba, labels)
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(truth)), truth] = 1.0
    return float(((proba - onehot) ** 2).sum(axis=1).mean())
