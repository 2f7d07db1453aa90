"""Tests of platevision.plotting._importances."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from platevision.classification import (  # noqa: E402
    CarForestClassifier,
    FaceKNNClassifier,
)
from platevision.features import (  # noqa: E402
    FisherVectorTransformer,
    HOGTransformer,
    LBPTransformer,
)
from platevision.plotting import importance_map, plot_feature_importances  # noqa: E402

SHAPE = (32, 64)


def _data():
    rng = np.random.default_rng(0)
    X = rng.random((16, *SHAPE)) * 0.3
    # The classes differ only on the left quarter of the image.
    X[:8, :, :16] += 0.6 * (np.arange(16) % 4 < 2)
    X[8:, :, :16] += 0.6 * (np.arange(32) % 4 < 2)[:, np.newaxis]
    return X, np.array(["a"] * 8 + ["b"] * 8)


def test_importance_map_finds_the_informative_region():
    X, y = _data()
    clf = CarForestClassifier(
        HOGTransformer(SHAPE),
        image_shape=SHAPE,
        flip=False,
        n_estimators=50,
        random_state=0,
    ).fit(X, y)
    heat = importance_map(clf)
    assert heat.shape == SHAPE
    assert heat.sum() == pytest.approx(1.0)
    # The left quarter holds the difference: it gets more than its share.
    assert heat[:, :16].sum() > 0.25


def test_importance_map_of_fisher_vectors():
    X, y = _data()
    features = FisherVectorTransformer(SHAPE, n_pca=8, n_gaussians=6, random_state=0)
    clf = CarForestClassifier(
        features, image_shape=SHAPE, flip=False, n_estimators=20, random_state=0
    ).fit(X, y)
    heat = importance_map(clf)
    assert heat.shape == SHAPE
    assert (heat >= 0).all()
    assert heat.sum() == pytest.approx(1.0)


def test_plot_and_errors():
    X, y = _data()
    clf = CarForestClassifier(
        HOGTransformer(SHAPE),
        image_shape=SHAPE,
        stack=False,
        flip=False,
        n_estimators=10,
        random_state=0,
    ).fit(X, y)
    fig, ax = plt.subplots()
    assert plot_feature_importances(clf, X[0], ax=ax) is ax
    assert len(ax.images) == 2
    plt.close(fig)
    other = CarForestClassifier(
        LBPTransformer(grid_shape=(2, 2)),
        image_shape=SHAPE,
        flip=False,
        n_estimators=10,
        random_state=0,
    ).fit(X, y)
    with pytest.raises(ValueError, match="got LBPTransformer"):
        importance_map(other)
    # Not a forest, and not an Axes: errors that name the argument.
    with pytest.raises(TypeError, match="classifier must be a fitted CarForest"):
        importance_map(FaceKNNClassifier())
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None"):
        plot_feature_importances(clf, ax="foo")
    with pytest.raises(NotFittedError):
        importance_map(CarForestClassifier())
