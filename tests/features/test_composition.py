"""The transformers compose with scikit-learn's tools, as users expect."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC

from platevision.features import (
    ColorHistogramTransformer,
    HOGTransformer,
    ImageResizer,
    LBPTransformer,
)


def _two_classes(rng, n=24):
    """Vertical vs horizontal stripes, with noise."""
    X, y = [], []
    for i in range(n):
        image = rng.random((32, 32)) * 0.3
        if i % 2:
            image[:, ::4] += 0.7
        else:
            image[::4, :] += 0.7
        X.append(np.clip(image, 0, 1))
        y.append("vertical" if i % 2 else "horizontal")
    return X, np.array(y)


def test_pipeline_cross_validates_and_learns(rng):
    X, y = _two_classes(rng)
    pipe = make_pipeline(HOGTransformer((32, 32)), LinearSVC())
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.9


def test_feature_union_concatenates_and_names(rng):
    union = FeatureUnion(
        [("hog", HOGTransformer((16, 16))), ("lbp", LBPTransformer(grid_shape=(2, 2)))]
    )
    X, _ = _two_classes(rng, n=4)
    features = union.fit_transform(X)
    names = union.get_feature_names_out()
    assert features.shape[1] == len(names) == 36 + 40
    assert names[0] == "hog__hogtransformer0"
    assert names[-1] == "lbp__lbptransformer39"


def test_grid_search_over_transformer_parameters(rng):
    X, y = _two_classes(rng)
    pipe = make_pipeline(LBPTransformer(), LinearSVC())
    search = GridSearchCV(pipe, {"lbptransformer__grid_shape": [(1, 1), (4, 4)]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["lbptransformer__grid_shape"] in [(1, 1), (4, 4)]
    assert set(search.predict(X)) <= {"vertical", "horizontal"}


@pytest.mark.parametrize(
    "transformer",
    [HOGTransformer(), LBPTransformer(), ColorHistogramTransformer(), ImageResizer()],
)
def test_clone_keeps_parameters_and_transform_needs_no_fit(transformer, rng):
    twin = clone(transformer)
    assert twin.get_params() == transformer.get_params()
    out = twin.transform([rng.random((20, 20))])
    assert out.shape[0] == 1
    assert np.all(np.isfinite(out))
    assert len(twin.get_feature_names_out()) == twin.n_features_out_
