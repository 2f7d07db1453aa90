"""Tests of platevision.plotting._faces: plot_neighbors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.ndimage import gaussian_filter  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from platevision.classification import FaceKNNClassifier  # noqa: E402
from platevision.plotting import plot_neighbors  # noqa: E402

SHAPE = (28, 24)


@pytest.fixture(scope="module")
def faces():
    """Four smooth random 'people', three photos each; the last one a stranger."""
    rng = np.random.default_rng(0)
    people = gaussian_filter(rng.random((5, *SHAPE)), (0, 1.5, 1.5))
    people = (people - people.min()) / np.ptp(people)
    index = np.repeat(np.arange(4), 3)
    X = np.clip(people[index] + rng.normal(0, 0.05, (len(index), *SHAPE)), 0, 1)
    y = np.array([f"p{i}" for i in index])
    clf = FaceKNNClassifier(face_size=SHAPE, unknown_threshold="auto").fit(X, y)
    return clf, X, y, people


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_rows_show_the_face_its_neighbours_and_its_score(faces):
    clf, X, y, people = faces
    queries = people[[1, 4]]  # an enrolled person, then the stranger
    fig = plot_neighbors(clf, queries, X, n_neighbors=3, titles=["p1", "stranger"])
    assert len(fig.axes) == 2 * 5
    grid = np.array(fig.axes, dtype=object).reshape(2, 5)
    answers = clf.predict(queries)
    assert grid[0, 0].get_title() == f"p1\n{answers[0]}"
    assert grid[1, 0].get_title() == f"stranger\n{answers[1]}"
    distances, indices = clf.kneighbors(queries, n_neighbors=3)
    for i in range(2):
        for k in range(3):
            ax = grid[i, 1 + k]
            assert ax.get_title() == f"{y[indices[i, k]]}\nd={distances[i, k]:.2f}"
            # the picture is the enrolled face the classifier found
            np.testing.assert_allclose(ax.get_images()[0].get_array(), X[indices[i, k]])
    scores = clf.rejection_score(queries)
    for i in range(2):
        panel = grid[i, -1]
        (bar,) = panel.patches
        assert bar.get_width() == pytest.approx(scores[i])
        (line,) = panel.get_lines()
        assert line.get_xdata()[0] == pytest.approx(clf.threshold_)
        rejected = scores[i] > clf.threshold_
        assert (answers[i] == "unknown") == rejected
        red = matplotlib.colors.to_rgba("tab:red")
        assert (bar.get_facecolor() == red) == rejected


def test_draws_into_given_axes_and_without_threshold(faces):
    clf, X, y, people = faces
    closed = FaceKNNClassifier(face_size=SHAPE).fit(X, y)
    fig, axes = plt.subplots(1, 3)
    assert plot_neighbors(closed, people[:1], X, n_neighbors=1, axes=axes) is fig
    assert axes[-1].get_lines() == []
    assert "no threshold" in axes[-1].get_title()


def test_bad_arguments_are_named(faces):
    clf, X, _, people = faces
    with pytest.raises(ValueError, match="enrolled must hold the 12 enrolled faces"):
        plot_neighbors(clf, people[:1], X[:5])
    with pytest.raises(ValueError, match=r"n_neighbors must be in \[1, 12\]"):
        plot_neighbors(clf, people[:1], X, n_neighbors=13)
    with pytest.raises(TypeError, match="n_neighbors must be an int"):
        plot_neighbors(clf, people[:1], X, n_neighbors=2.0)
    with pytest.raises(ValueError, match="axes must hold 5 Axes, 1 faces x 5 panels"):
        plot_neighbors(clf, people[:1], X, axes=plt.subplots(1, 2)[1])
    with pytest.raises(ValueError, match="one title per face"):
        plot_neighbors(clf, people[:2], X, titles=["a"])
    with pytest.raises(TypeError, match="must be a fitted FaceKNNClassifier"):
        plot_neighbors(object(), people[:1], X)
    with pytest.raises(NotFittedError):
        plot_neighbors(FaceKNNClassifier(), people[:1], X)
