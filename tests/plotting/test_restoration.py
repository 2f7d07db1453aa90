"""Tests of platevision.plotting._restoration: plot_readings."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from platevision.datasets import damage_characters, make_plate_characters  # noqa: E402
from platevision.plotting import plot_readings  # noqa: E402
from platevision.restoration import PlateCharacterRestorer  # noqa: E402

ALPHABET = "8EB3FP"


@pytest.fixture(scope="module")
def restorer():
    train = make_plate_characters(6, alphabet=ALPHABET, random_state=0)
    model = PlateCharacterRestorer(n_augment=1, random_state=0)
    return model.fit(train.images, train.target)


@pytest.fixture(scope="module")
def broken():
    test = make_plate_characters(1, alphabet="8E3", random_state=1)
    damaged, masks = damage_characters(
        test.images, kind="occlusion", severity=0.6, random_state=0
    )
    return damaged, masks, test.target


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _reading_title(reading):
    return f"'{reading.character}' {reading.probability:.2f}"


def test_one_row_per_tile_with_the_readings_probabilities(restorer, broken):
    X, masks, target = broken
    fig = plot_readings(restorer, X, top_k=2, titles=target)
    assert len(fig.axes) == len(X) * 4
    titles = np.array([ax.get_title() for ax in fig.axes]).reshape(len(X), 4)
    assert titles[:, 0].tolist() == target.tolist()
    assert set(titles[:, 1]) == {"damage found"}
    expected = [[_reading_title(r) for r in row] for row in restorer.readings(X, 2)]
    assert titles[:, 2:].tolist() == expected
    # The restored tiles are drawn, most probable first.
    first = restorer.readings(X, top_k=1)[0][0]
    np.testing.assert_allclose(fig.axes[2].get_images()[0].get_array(), first.restored)


def test_found_damage_is_drawn_over_the_tile(restorer, broken):
    X, _, _ = broken
    fig = plot_readings(restorer, X, top_k=1)
    found = restorer.find_damage(X)
    for i in range(len(X)):
        ax = fig.axes[3 * i + 1]
        tile, overlay = ax.get_images()
        np.testing.assert_allclose(tile.get_array(), X[i])
        np.testing.assert_array_equal(overlay.get_array()[..., 3] > 0, found[i])
        assert fig.axes[3 * i].get_title() == f"tile {i}"


def test_given_masks_are_drawn_and_used(restorer, broken):
    X, masks, _ = broken
    X_before, masks_before = X.copy(), masks.copy()
    # A generator is read once, by the restorer and for the drawing alike.
    fig = plot_readings(restorer, X, masks=(m for m in masks), top_k=3)
    readings = restorer.readings(X, top_k=3, masks=masks)
    for i in range(len(X)):
        row = fig.axes[5 * i : 5 * (i + 1)]
        assert row[1].get_title() == "damage given"
        overlay = row[1].get_images()[1].get_array()
        np.testing.assert_array_equal(overlay[..., 3] > 0, masks[i])
        assert [ax.get_title() for ax in row[2:]] == [
            _reading_title(r) for r in readings[i]
        ]
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(masks, masks_before)


def test_draws_into_given_axes(restorer, broken):
    X, _, _ = broken
    fig, axes = plt.subplots(2 * len(X), 2)  # any shape with the right count
    assert plot_readings(restorer, X, top_k=2, axes=axes) is fig
    assert all(ax.get_images() for ax in axes.ravel())


def test_top_k_is_capped_by_the_classes(restorer, broken):
    X, _, _ = broken
    fig = plot_readings(restorer, X[:1], top_k=50)
    assert len(fig.axes) == 2 + len(ALPHABET)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"top_k": 0}, ValueError, "top_k must be an int >= 1; got 0"),
        ({"top_k": 1.5}, TypeError, "top_k must be an int >= 1; got float 1.5"),
        ({"top_k": True}, TypeError, "top_k must be an int >= 1; got bool"),
        ({"titles": ["a"]}, ValueError, r"one title per tile \(3\); got 1"),
        ({"titles": "8E3"}, TypeError, "titles must be a sequence of 3 str"),
        ({"masks": np.zeros((2, 32, 20), bool)}, ValueError, "one mask per tile"),
        (
            {"masks": np.zeros((3, 16, 16), bool)},
            ValueError,
            r"masks\[0\] must have the shape of X\[0\]",
        ),
    ],
)
def test_bad_arguments_raise(restorer, broken, kwargs, error, match):
    X, _, _ = broken
    with pytest.raises(error, match=match):
        plot_readings(restorer, X, **kwargs)


def test_bad_axes_raise(restorer, broken):
    X, _, _ = broken
    _, axes = plt.subplots(len(X), 4)
    with pytest.raises(ValueError, match=r"axes must hold 15 Axes, 3 tiles x 5"):
        plot_readings(restorer, X, axes=axes)
    with pytest.raises(TypeError, match="axes must hold matplotlib Axes; got int"):
        plot_readings(restorer, X, top_k=1, axes=list(range(9)))


def test_restorer_must_be_a_fitted_restorer(broken):
    X, _, _ = broken
    with pytest.raises(TypeError, match="restorer must be a fitted .*; got str"):
        plot_readings("restorer", X)
    with pytest.raises(NotFittedError, match="not fitted"):
        plot_readings(PlateCharacterRestorer(), X)


def test_missing_matplotlib_says_how_to_install(restorer, broken, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "platevision\[plot\]"'):
        plot_readings(restorer, broken[0])


def test_importing_plotting_does_not_load_matplotlib():
    code = "import sys, platevision.plotting; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
