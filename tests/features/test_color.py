from __future__ import annotations

import numpy as np
import pytest

from platevision.features import ColorHistogramTransformer


def _solid(rgb):
    image = np.zeros((6, 8, 3))
    image[:] = rgb
    return image


def test_pure_colours_fall_in_their_hue_bins():
    t = ColorHistogramTransformer(bins=(6, 1, 1))
    features = t.transform([_solid([1, 0, 0]), _solid([0, 1, 0]), _solid([0, 0, 1])])
    assert features.argmax(axis=1).tolist() == [0, 2, 4]
    np.testing.assert_allclose(features.max(axis=1), 1.0)


def test_grey_images_have_no_saturation():
    t = ColorHistogramTransformer(bins=(4, 4, 4))
    features = t.transform([np.full((5, 5), 0.6)]).reshape(4, 4, 4)
    assert features[:, 1:, :].sum() == 0


def test_grid_cells_are_distributions_and_see_where_colour_is():
    image = np.zeros((10, 10, 3))
    image[:, :5, 0] = 1.0  # left half red, right half black
    t = ColorHistogramTransformer(bins=(2, 2, 2), grid_shape=(1, 2))
    left, right = t.transform([image])[0].reshape(2, 8)
    assert left.sum() == pytest.approx(1)
    assert right.sum() == pytest.approx(1)
    assert left.argmax() != right.argmax()


def test_bad_bins_are_named():
    with pytest.raises(
        ValueError, match="'bins' parameter of ColorHistogramTransformer"
    ):
        ColorHistogramTransformer(bins=(8, 4)).transform([np.zeros((3, 3))])
