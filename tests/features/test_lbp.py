from __future__ import annotations

import numpy as np
import pytest
from skimage.feature import local_binary_pattern

from platevision.features import LBPTransformer


def test_matches_a_direct_computation(rng):
    image = rng.integers(0, 256, size=(40, 30), dtype=np.uint8)
    codes = local_binary_pattern(image, 8, 1, "uniform").astype(int)
    expected = []
    for band in np.array_split(np.arange(40), 2):
        for cols in np.array_split(np.arange(30), 3):
            cell = codes[np.ix_(band, cols)]
            expected.append(np.bincount(cell.ravel(), minlength=10) / cell.size)
    ours = LBPTransformer(grid_shape=(2, 3)).transform([image])[0]
    np.testing.assert_allclose(ours, np.concatenate(expected))


def test_invariant_to_monotonic_brightness_change(rng):
    image = rng.integers(0, 128, size=(32, 32), dtype=np.uint8)
    # A strictly increasing, non-linear lookup table (a gamma-like curve).
    table = np.rint(255 * (np.arange(128) / 127) ** 0.5).astype(np.uint8)
    assert np.all(np.diff(table.astype(int)) > 0)
    brighter = table[image]
    # 4 neighbours at radius 1 sit on pixels: no interpolation, exact comparisons.
    t = LBPTransformer(n_points=4, radius=1, grid_shape=(4, 4))
    np.testing.assert_allclose(t.transform([image]), t.transform([brighter]))


@pytest.mark.parametrize(("method", "bins"), [("uniform", 10), ("nri_uniform", 59)])
def test_each_cell_is_a_distribution(rng, method, bins):
    t = LBPTransformer(method=method, grid_shape=(3, 2))
    features = t.transform([rng.random((1, 1)), rng.random((90, 60, 3))])
    assert features.shape == (2, 6 * bins) == (2, t.n_features_out_)
    np.testing.assert_allclose(features.reshape(2, 6, bins).sum(axis=2), 1.0)


def test_bad_grid_is_named():
    with pytest.raises(ValueError, match="'grid_shape' parameter of LBPTransformer"):
        LBPTransformer(grid_shape=(0, 2)).transform([np.zeros((4, 4))])
