"""Property tests: any valid image gives a finite vector of the documented length."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from platevision.features import (
    ColorHistogramTransformer,
    HOGTransformer,
    ImageResizer,
    LBPTransformer,
)
from platevision.utils import check_image

TRANSFORMERS = [
    HOGTransformer(image_shape=(32, 24)),
    LBPTransformer(grid_shape=(3, 3)),
    LBPTransformer(method="nri_uniform", grid_shape=(2, 2), image_shape=(20, 20)),
    ColorHistogramTransformer(bins=(4, 2, 2), grid_shape=(2, 2)),
    ImageResizer((9, 7), keep_aspect=True),
]

shapes = st.tuples(st.integers(1, 70), st.integers(1, 70)).flatmap(
    lambda hw: st.sampled_from([hw, (*hw, 1), (*hw, 3), (*hw, 4)])
)


@st.composite
def images(draw):
    """Valid images of any size, channel layout and dtype."""
    shape = draw(shapes)
    kind = draw(st.sampled_from(["uint8", "uint16", "bool", "float32", "float64"]))
    if kind == "bool":
        return draw(arrays(np.bool_, shape))
    if kind.startswith("uint"):
        return draw(arrays(np.dtype(kind), shape))
    return draw(
        arrays(np.dtype(kind), shape, elements=st.floats(0, 1, width=int(kind[5:])))
    )


@given(image=images(), which=st.integers(0, len(TRANSFORMERS) - 1))
def test_any_valid_image_gives_a_finite_vector_of_documented_length(image, which):
    transformer = TRANSFORMERS[which]
    before = image.copy()
    out = transformer.transform([image])
    assert out.shape[0] == 1
    assert out[0].size == transformer.n_features_out_
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(image, before)


@given(
    image=arrays(np.uint8, st.tuples(st.integers(2, 60), st.integers(2, 60))),
    which=st.integers(0, len(TRANSFORMERS) - 1),
)
def test_uint8_and_the_same_float_image_agree(image, which):
    transformer = TRANSFORMERS[which]
    as_float = image.astype(np.float64) / 255.0
    as_uint16 = image.astype(np.uint16) * 257
    reference = transformer.transform([image])
    np.testing.assert_allclose(transformer.transform([as_float]), reference, atol=1e-12)
    np.testing.assert_allclose(
        transformer.transform([as_uint16]), reference, atol=1e-12
    )


@given(image=images())
def test_conversion_lands_in_unit_range(image):
    for mode in ("grey", "rgb", None):
        out = check_image(image, mode=mode)
        assert out.dtype == np.float64
        assert out.min() >= 0.0
        assert out.max() <= 1.0
