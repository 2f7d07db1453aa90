from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from skimage.restoration import inpaint_biharmonic

from platevision.restoration import inpaint_guided
from platevision.restoration._inpaint import biharmonic_fill


def test_without_template_matches_skimage(rng):
    image = rng.random((20, 12))
    mask = np.zeros(image.shape, dtype=bool)
    mask[5:9, 3:7] = True
    np.testing.assert_allclose(
        inpaint_guided(image, mask), np.clip(inpaint_biharmonic(image, mask), 0, 1)
    )


def test_template_steers_the_fill_and_outside_is_untouched():
    stroke = np.ones((16, 10))
    stroke[:, 4:6] = 0.0
    broken = stroke.copy()
    broken[6:10] = 1.0
    mask = np.zeros(stroke.shape, dtype=bool)
    mask[6:10] = True
    guided = inpaint_guided(broken, mask, stroke)
    plain = inpaint_guided(broken, mask)
    assert np.abs(guided - stroke).max() < 1e-6
    assert np.abs(plain - stroke)[mask].max() > 0.2  # a smooth fill loses the stroke
    np.testing.assert_array_equal(guided[~mask], broken[~mask])


def test_edge_cases_and_input_untouched():
    image = np.full((6, 6), 0.3)
    before = image.copy()
    assert np.array_equal(inpaint_guided(image, np.zeros((6, 6), bool)), image)
    full = inpaint_guided(image, np.ones((6, 6), bool), np.full((6, 6), 0.9))
    np.testing.assert_allclose(full, 0.9)
    np.testing.assert_allclose(inpaint_guided(image, np.ones((6, 6), bool)), 0.5)
    np.testing.assert_array_equal(image, before)


def test_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"mask must have the image's shape \(4, 4\)"):
        inpaint_guided(np.zeros((4, 4)), np.zeros((4, 5), bool))
    with pytest.raises(ValueError, match=r"template must have the image's shape"):
        inpaint_guided(np.zeros((4, 4)), np.zeros((4, 4), bool), np.zeros((3, 3)))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 30),
    st.floats(0.02, 0.98),
    st.integers(0, 2**32 - 1),
)
def test_biharmonic_fill_is_skimages_inpainting(height, width, share, seed):
    """The same system as scikit-image's, built from cached stencils: the same
    fill on any shape (1-pixel rows and columns, cut neighbourhoods at every
    edge) and any mask, scattered or not."""
    rng = np.random.default_rng(seed)
    image = rng.random((height, width))
    mask = rng.random(image.shape) < share
    assume(mask.any() and not mask.all())
    before = image.copy()
    np.testing.assert_allclose(
        biharmonic_fill(image, mask), inpaint_biharmonic(image, mask), atol=1e-10
    )
    np.testing.assert_array_equal(image, before)


def test_biharmonic_fill_without_damage_or_known_pixels():
    image = np.random.default_rng(0).random((5, 4))
    np.testing.assert_array_equal(biharmonic_fill(image, np.zeros((5, 4), bool)), image)
    with pytest.raises(ValueError, match="at least one known pixel"):
        biharmonic_fill(image, np.ones((5, 4), bool))
    with pytest.raises(
        ValueError, match=r"2-D image and a mask of its shape.*\(4, 5\)"
    ):
        biharmonic_fill(image, np.zeros((4, 5), bool))
    with pytest.raises(ValueError, match="2-D image"):
        biharmonic_fill(np.zeros(6), np.zeros(6, bool))
