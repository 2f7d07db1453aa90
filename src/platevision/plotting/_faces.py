"""Plot who a face looks like: its nearest enrolled faces and its rejection score."""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np

from platevision.plotting._common import (
    _check_axes,
    _check_titles,
    _import_pyplot,
    _show,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_neighbors"]

# Size of one face's panel in inches (width, height).
_PANEL = (1.2, 1.55)


def _check_classifier(classifier: Any) -> None:
    from sklearn.utils.validation import check_is_fitted

    needed = ("kneighbors", "rejection_score", "predict")
    if not all(hasattr(classifier, name) for name in needed):
        msg = (
            "classifier must be a fitted FaceKNNClassifier (with kneighbors, "
            f"rejection_score and predict); got {type(classifier).__name__}."
        )
        raise TypeError(msg)
    check_is_fitted(classifier)


def _score_panel(ax: Any, score: float, threshold: float | None, rule: str) -> None:
    """A bar for the rejection score, and the threshold as a dashed line."""
    rejected = threshold is not None and score > threshold
    finite = score if np.isfinite(score) else 0.0
    ax.barh([0], [finite], color="tab:red" if rejected else "tab:green", height=0.5)
    right = max(finite, threshold or 0.0) * 1.25 or 1.0
    if rule == "ratio":
        right = max(right, 1.0)
    if threshold is not None:
        ax.axvline(threshold, color="k", linestyle="--", linewidth=1)
    ax.set_xlim(0, right)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=7)
    title = "no threshold" if threshold is None else f"threshold {threshold:.2f}"
    ax.set_title(f"{rule} {score:.2f}\n{title}", fontsize=8)


def plot_neighbors(
    classifier: Any,
    X: Any,
    enrolled: Any,
    *,
    n_neighbors: int = 3,
    axes: Any = None,
    titles: Any = None,
) -> Figure:
    """Plot each face beside its nearest enrolled faces and its rejection score.

    One row per face: the face, titled with the answer of
    :meth:`~platevision.classification.FaceKNNClassifier.predict` (a person or
    ``unknown_label``); its ``n_neighbors`` nearest enrolled faces, nearest
    first, each titled with its person and distance; and a bar of the face's
    :meth:`~platevision.classification.FaceKNNClassifier.rejection_score` with
    the threshold as a dashed line (the bar is red when the face is rejected).

    Read more in the :ref:`User Guide <faces>`.

    Parameters
    ----------
    classifier : FaceKNNClassifier
        A fitted classifier.
    X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
        Face photos, one row of the figure each: a handful, not a data set.
    enrolled : sequence of images or paths, or ndarray
        The enrolled faces, in the order they were enrolled (the training
        photos of ``fit`` followed by those of each ``partial_fit``): the
        classifier keeps their features, not their pictures.
    n_neighbors : int, default=3
        Enrolled faces shown per face (at most the number enrolled).
    axes : array-like of matplotlib Axes, default=None
        Axes to draw into, ``n_samples`` rows of ``n_neighbors + 2`` panels, in
        any shape (filled row by row). None makes a new figure.
    titles : sequence of str, default=None
        Titles of the faces, one per face (their true names, say), shown
        above the answer. None shows the answer alone.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure drawn into: a new one, or that of ``axes``.

    Raises
    ------
    ImportError
        matplotlib is not installed (``pip install "platevision[plot]"``).
    NotFittedError
        ``classifier`` is not fitted.
    TypeError
        ``classifier`` is not a face classifier, ``n_neighbors`` is not an
        int, ``titles`` is not a sequence or ``axes`` holds no Axes.
    ValueError
        ``enrolled`` does not hold one image per enrolled face,
        ``n_neighbors`` is out of range, or the wrong number of ``axes`` or
        ``titles``.

    See Also
    --------
    platevision.classification.FaceKNNClassifier.kneighbors : The neighbours.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from scipy.ndimage import gaussian_filter
    >>> from platevision.classification import FaceKNNClassifier
    >>> from platevision.plotting import plot_neighbors
    >>> rng = np.random.default_rng(0)
    >>> people = gaussian_filter(rng.random((4, 28, 24)), (0, 1.5, 1.5))
    >>> people = (people - people.min()) / np.ptp(people)
    >>> X = np.clip(people[[0, 0, 1, 1, 2, 2]] + rng.normal(0, 0.05, (6, 28, 24)),
    ...             0, 1)
    >>> y = ["ann", "ann", "bob", "bob", "eve", "eve"]
    >>> clf = FaceKNNClassifier(face_size=(28, 24), unknown_threshold="auto")
    >>> clf = clf.fit(X, y)
    >>> fig = plot_neighbors(clf, people[[0, 3]], X, n_neighbors=2)
    >>> len(fig.axes)
    8
    >>> fig.axes[0].get_title(), fig.axes[4].get_title()
    ('ann', 'unknown')
    >>> plt.close(fig)
    """
    plt = _import_pyplot("plot_neighbors")
    from platevision.utils import check_images

    _check_classifier(classifier)
    if isinstance(n_neighbors, (bool, np.bool_)) or not isinstance(
        n_neighbors, Integral
    ):
        msg = (
            f"n_neighbors must be an int >= 1; got {type(n_neighbors).__name__} "
            f"{n_neighbors!r}."
        )
        raise TypeError(msg)
    if not 1 <= n_neighbors <= classifier.n_enrolled_:
        msg = (
            f"n_neighbors must be in [1, {classifier.n_enrolled_}] (the enrolled "
            f"faces); got {n_neighbors!r}."
        )
        raise ValueError(msg)
    gallery = check_images(enrolled, mode="grey")
    if len(gallery) != classifier.n_enrolled_:
        msg = (
            f"enrolled must hold the {classifier.n_enrolled_} enrolled faces, in "
            f"the order they were enrolled; got {len(gallery)} images."
        )
        raise ValueError(msg)
    faces = check_images(X, mode="grey")
    n_samples, n_columns = len(faces), int(n_neighbors) + 2
    titles = _check_titles(titles, n_samples, "face")
    grid = _check_axes(
        axes,
        n_samples,
        n_columns,
        f"faces x {n_columns} panels (face, {n_neighbors} neighbours, score)",
    )

    distances, indices = classifier.kneighbors(X, n_neighbors=int(n_neighbors))
    scores = classifier.rejection_score(X)
    answers = classifier.predict(X)
    people = classifier._fit_y
    if grid is None:
        fig, grid = plt.subplots(
            n_samples,
            n_columns,
            figsize=(_PANEL[0] * n_columns, _PANEL[1] * n_samples),
            squeeze=False,
            layout="constrained",
        )
    else:
        fig = grid[0, 0].figure
    for i, face in enumerate(faces):
        answer = str(answers[i])
        _show(grid[i, 0], face, answer if titles is None else f"{titles[i]}\n{answer}")
        for ax, d, j in zip(grid[i, 1:-1], distances[i], indices[i], strict=True):
            _show(ax, gallery[j], f"{people[j]}\nd={d:.2f}")
        _score_panel(
            grid[i, -1], float(scores[i]), classifier.threshold_, classifier.rejection_
        )
    return fig
