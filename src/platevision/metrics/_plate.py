"""Plate reading metrics: character accuracy of texts, IoU of boxes."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["box_iou", "character_accuracy"]


def _texts(values: Any, name: str) -> list[str]:
    if isinstance(values, str):
        msg = f"{name} must be a sequence of str, one per sample; got a single str."
        raise TypeError(msg)
    array = np.asarray(values, dtype=object)
    if array.ndim != 1:
        msg = f"{name} must be 1-D, of shape (n_samples,); got shape {array.shape}."
        raise ValueError(msg)
    texts = []
    for i, value in enumerate(array):
        if not isinstance(value, str):
            msg = f"{name}[{i}] must be a str; got {type(value).__name__}."
            raise TypeError(msg)
        texts.append(value)
    return texts


def _levenshtein(a: str, b: str) -> int:
    """Fewest insertions, deletions and substitutions turning ``a`` into ``b``."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char_a != char_b),
                )
            )
        previous = current
    return previous[-1]


def character_accuracy(y_true: Any, y_pred: Any) -> float:
    """Mean character accuracy of texts: 1 - normalised edit distance.

    Per sample, ``1 - levenshtein(true, pred) / max(len(true), len(pred))`` (1.0
    when both texts are empty), averaged over the samples. A missing, extra or
    wrong character each cost one edit, so a plate read with one character wrong
    out of seven scores 6/7, and an empty reading scores 0.

    Parameters
    ----------
    y_true : array-like of str, shape (n_samples,)
        The true texts.
    y_pred : array-like of str, shape (n_samples,)
        The texts read.

    Returns
    -------
    accuracy : float
        In [0, 1]; 1 when every text is read exactly.

    Raises
    ------
    ValueError
        The inputs are not 1-D, differ in length or are empty.
    TypeError
        An item is not a str.

    See Also
    --------
    box_iou : How well plate boxes were found.

    Examples
    --------
    >>> from platevision.metrics import character_accuracy
    >>> character_accuracy(["ABC1234", "XYZ99"], ["ABC1Z34", "XYZ99"])
    0.928...
    >>> character_accuracy(["ABC1234"], [""])
    0.0
    """
    true = _texts(y_true, "y_true")
    pred = _texts(y_pred, "y_pred")
    if len(true) != len(pred):
        msg = (
            f"y_true and y_pred must hold as many texts; got {len(true)} and "
            f"{len(pred)}."
        )
        raise ValueError(msg)
    if not true:
        msg = "y_true must hold at least one sample; got an empty sequence."
        raise ValueError(msg)
    scores = [
        1.0 - _levenshtein(t, p) / max(len(t), len(p)) if t or p else 1.0
        for t, p in zip(true, pred, strict=True)
    ]
    return float(np.mean(scores))


def _boxes(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[np.newaxis]
    if array.ndim != 2 or array.shape[1] != 4:
        msg = (
            f"{name} must be of shape (n_boxes, 4), rows (x, y, width, height); "
            f"got shape {np.shape(values)}."
        )
        raise ValueError(msg)
    if not np.all(np.isfinite(array)):
        msg = f"{name} must hold finite numbers."
        raise ValueError(msg)
    if np.any(array[:, 2:] < 0):
        row = int(np.flatnonzero((array[:, 2:] < 0).any(axis=1))[0])
        msg = f"{name}[{row}] has a negative width or height: {array[row].tolist()}."
        raise ValueError(msg)
    return array


def box_iou(boxes_a: Any, boxes_b: Any) -> np.ndarray:
    """Intersection over union of boxes, row by row.

    Parameters
    ----------
    boxes_a : array-like of shape (n_boxes, 4) or (4,)
        Boxes ``(x, y, width, height)``, as in
        :func:`~platevision.datasets.load_plates` and
        :class:`~platevision.reader.PlateReading`.
    boxes_b : array-like of shape (n_boxes, 4) or (4,)
        As many boxes, compared with ``boxes_a`` row by row.

    Returns
    -------
    iou : ndarray of shape (n_boxes,)
        The area of each pair's intersection over that of their union, in
        [0, 1]; 0 for two boxes that do not overlap or have no area.

    Raises
    ------
    ValueError
        Boxes of the wrong shape, non-finite, with a negative size, or not as
        many in each.

    See Also
    --------
    character_accuracy : How well plate texts were read.

    Examples
    --------
    >>> from platevision.metrics import box_iou
    >>> box_iou([[0, 0, 10, 10], [0, 0, 10, 10]], [[5, 0, 10, 10], [0, 0, 10, 10]])
    array([0.333..., 1.  ])
    """
    a = _boxes(boxes_a, "boxes_a")
    b = _boxes(boxes_b, "boxes_b")
    if len(a) != len(b):
        msg = f"boxes_a and boxes_b must hold as many boxes; got {len(a)} and {len(b)}."
        raise ValueError(msg)
    width = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]) - np.maximum(
        a[:, 0], b[:, 0]
    )
    height = np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3]) - np.maximum(
        a[:, 1], b[:, 1]
    )
    inter = np.clip(width, 0, None) * np.clip(height, 0, None)
    union = a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - inter
    out = np.zeros(len(a))
    np.divide(inter, union, out=out, where=union > 0)
    return np.clip(out, 0.0, 1.0)
