"""Tests of CarForestClassifier."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from platevision.classification import CarForestClassifier
from platevision.features import FisherVectorTransformer, HOGTransformer

SHAPE = (32, 64)
MODELS = {"A4": "Audi", "A5": "Audi", "X3": "BMW", "Golf": "VW"}


def _cars(n_per_model=6, seed=0):
    """Synthetic 'cars': each model has its own stripe pattern, plus noise."""
    rng = np.random.default_rng(seed)
    rows, cols = np.indices(SHAPE)
    patterns = {
        "A4": rows // 2 % 2,
        "A5": (rows + cols) // 3 % 2,
        "X3": cols // 2 % 2,
        "Golf": (rows // 4 + cols // 4) % 2,  # a mirror image of none above
    }
    X, y = [], []
    for model, make in MODELS.items():
        for _ in range(n_per_model):
            X.append(patterns[model] * 0.6 + rng.random(SHAPE) * 0.4)
            y.append((make, model))
    return np.stack(X), np.array(y)


def _clf(**params):
    # Small Fisher vectors keep the tests fast; the defaults are benchmarked.
    features = FisherVectorTransformer(SHAPE, n_pca=16, n_gaussians=4, random_state=0)
    defaults = {
        "features": features,
        "image_shape": SHAPE,
        "n_estimators": 30,
        "random_state": 0,
    }
    return CarForestClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def data():
    return _cars(), _cars(seed=1)


@pytest.mark.parametrize("stack", [True, False])
def test_flat_labels_learned(data, stack):
    (X, y), (X_test, y_test) = data
    clf = _clf(stack=stack).fit(X, y[:, 0])
    assert clf.classes_.tolist() == ["Audi", "BMW", "VW"]
    assert clf.score(X_test, y_test[:, 0]) >= 0.9
    proba = clf.predict_proba(X_test)
    assert proba.shape == (len(X_test), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_pairs_are_hierarchical(data):
    (X, y), (X_test, y_test) = data
    clf = _clf().fit(X, y)
    pred = clf.predict(X_test)
    assert pred.shape == (len(X_test), 2)
    # The model predicted always belongs to the make predicted.
    assert all(MODELS[model] == make for make, model in pred.tolist())
    make_proba, model_proba = clf.predict_proba(X_test)
    assert make_proba.shape == (len(X_test), 3)
    assert model_proba.shape == (len(X_test), 4)
    assert [c.tolist() for c in clf.classes_] == [
        ["Audi", "BMW", "VW"],
        ["A4", "A5", "Golf", "X3"],
    ]
    np.testing.assert_array_equal(pred[:, 0], clf.predict_top_k(X_test, 1)[:, 0])
    assert clf.score(X_test, y_test) == np.mean((pred == y_test).all(axis=1))
    assert np.mean(pred[:, 0] == y_test[:, 0]) >= 0.9


def test_predict_top_k(data):
    (X, y), (X_test, _) = data
    clf = _clf().fit(X, y)
    top = clf.predict_top_k(X_test, 2, level="model")
    assert top.shape == (len(X_test), 2)
    assert (top[:, 0] != top[:, 1]).all()
    flat = _clf().fit(X, y[:, 1])
    np.testing.assert_array_equal(
        flat.predict_top_k(X_test, 1)[:, 0], flat.predict(X_test)
    )
    with pytest.raises(ValueError, match=r"k must be an int in \[1, 3\]"):
        clf.predict_top_k(X_test, 4)
    with pytest.raises(ValueError, match="level must be 'make', 'model' or None"):
        clf.predict_top_k(X_test, 2, level="year")


@pytest.mark.parametrize("stack", [True, False])
def test_feature_importances(data, stack):
    (X, y), _ = data
    clf = _clf(stack=stack, flip=False).fit(X, y)
    importances = clf.feature_importances_
    assert importances.shape == (clf.features_.n_features_out_,)
    assert (importances >= 0).all()
    assert importances.sum() == pytest.approx(1.0)


def test_any_transformer_and_oob(data):
    (X, y), (X_test, y_test) = data
    clf = _clf(features=HOGTransformer(SHAPE), oob_score=True).fit(X, y[:, 0])
    assert isinstance(clf.features_, HOGTransformer)
    assert 0.0 <= clf.oob_score_ <= 1.0
    assert clf.score(X_test, y_test[:, 0]) >= 0.6  # chance: 0.5


def test_random_state_reproducible(data):
    (X, y), (X_test, _) = data
    a = _clf(random_state=3).fit(X, y).predict_proba(X_test)
    b = _clf(random_state=3).fit(X, y).predict_proba(X_test)
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)


def test_bad_labels(data):
    (X, y), _ = data
    mixed = y.copy()
    mixed[0, 0] = "BMW"  # an A4 under two makes
    with pytest.raises(ValueError, match="every model one make; got model 'A4'"):
        _clf().fit(X, mixed)
    with pytest.raises(ValueError, match=r"got shape \(24, 3\)"):
        _clf().fit(X, np.column_stack([y, y[:, 0]]))
    with pytest.raises(ValueError, match="at least 2 kinds"):
        _clf().fit(X, ["Audi"] * len(X))
    with pytest.raises(ValueError, match=r"one label per image \(24\); got 23"):
        _clf().fit(X, y[1:, 0])
    with pytest.raises(ValueError, match="requires y to be passed"):
        _clf().fit(X, None)


def test_bad_params_and_images(data):
    (X, y), _ = data
    with pytest.raises(ValueError, match="'image_shape' parameter of CarForest"):
        _clf(image_shape=(0, 10)).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'n_estimators' parameter"):
        _clf(n_estimators=0).fit(X, y)
    bad = list(X)
    bad[3] = np.full((8, 8), 2.0)
    with pytest.raises(ValueError, match=r"X\[3\]"):
        _clf().fit(bad, y)
    clf = _clf().fit(X, y)
    with pytest.raises(ValueError, match=r"must have shape \(24, 2\)"):
        clf.score(X, y[:, 0])


def test_real_photos(shared_data):
    from platevision.datasets import load_cars

    bunch = load_cars(level="make", data_home=shared_data)
    makes = np.asarray(bunch.target)
    keep = np.concatenate(
        [np.flatnonzero(makes == make)[:40] for make in ("Audi", "Chevrolet", "GMC")]
    )
    train, test = keep[keep % 2 == 0], keep[keep % 2 == 1]
    images = np.asarray(bunch.images, dtype=object)
    clf = CarForestClassifier(
        FisherVectorTransformer((64, 128), n_pca=32, n_gaussians=8, random_state=0),
        image_shape=(64, 128),
        random_state=0,
    )
    clf.fit(list(images[train]), makes[train])
    # 3 makes, 20 training photos each: a third is chance (0.33 +- 0.06 on these
    # 60 test photos); the full protocol is benchmarks/cars.py.
    assert clf.score(list(images[test]), makes[test]) > 0.4
