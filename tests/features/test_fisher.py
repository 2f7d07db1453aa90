"""Tests of FisherVectorTransformer and its dense descriptors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from platevision.features import FisherVectorTransformer
from platevision.features._fisher import dense_descriptors


def test_dense_descriptors_shape_and_norm(rng):
    desc, centres = dense_descriptors(
        rng.random((32, 48)), cell_size=4, n_orientations=8
    )
    # (32/4 - 3) x (48/4 - 3) patches of 4 x 4 cells x 8 orientations.
    assert desc.shape == (5 * 9, 128)
    assert centres.shape == (5 * 9, 2)
    assert ((centres > 0) & (centres < 1)).all()
    # RootSIFT: squares sum to 1.
    np.testing.assert_allclose((desc**2).sum(axis=1), 1.0, rtol=1e-5)


def test_flat_image_gives_zero_descriptors():
    desc, _ = dense_descriptors(np.full((16, 16), 0.5), cell_size=4, n_orientations=8)
    assert not desc.any()


def test_orientation_is_measured():
    rows, cols = np.indices((16, 16))
    vertical, _ = dense_descriptors(cols // 2 % 2 * 1.0, cell_size=4, n_orientations=8)
    horizontal, _ = dense_descriptors(
        rows // 2 % 2 * 1.0, cell_size=4, n_orientations=8
    )
    assert np.abs(vertical - horizontal).max() > 0.1


def test_fit_transform(rng):
    X = rng.random((5, 40, 60))
    fv = FisherVectorTransformer((32, 48), n_pca=8, n_gaussians=3, random_state=0)
    F = fv.fit(X).transform(X)
    assert F.shape == (5, 2 * 3 * (8 + 2)) == (5, fv.n_features_out_)
    np.testing.assert_allclose(np.linalg.norm(F, axis=1), 1.0)
    assert fv.get_feature_names_out()[-1] == "fishervectortransformer59"
    again = FisherVectorTransformer(
        (32, 48), n_pca=8, n_gaussians=3, random_state=0
    ).fit_transform(X)
    np.testing.assert_array_equal(F, again)
    flat = FisherVectorTransformer(
        (32, 48), n_pca=8, n_gaussians=3, spatial=False, random_state=0
    ).fit(X)
    assert flat.n_features_out_ == 2 * 3 * 8


def test_errors(rng):
    X = rng.random((3, 20, 20))
    with pytest.raises(NotFittedError):
        FisherVectorTransformer().transform(X)
    with pytest.raises(ValueError, match=r"must be at least \(16, 16\)"):
        FisherVectorTransformer((8, 40)).fit(X)
    with pytest.raises(ValueError, match="'n_pca' parameter .* at most the descriptor"):
        FisherVectorTransformer((16, 16), n_pca=200).fit(X)
