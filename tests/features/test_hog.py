from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from skimage.feature import hog

from platevision.features import HOGTransformer


def test_matches_skimage_hog_on_images_of_the_target_shape(rng):
    images = rng.random((3, 32, 24))
    ours = HOGTransformer(image_shape=(32, 24), cells_per_block=(3, 3)).transform(
        images
    )
    oracle = [
        hog(image, cells_per_block=(3, 3), feature_vector=True) for image in images
    ]
    np.testing.assert_allclose(ours, np.stack(oracle))


def test_length_matches_documented_formula():
    for shape, ppc, cpb, o in [
        ((64, 64), (8, 8), (2, 2), 9),
        ((40, 20), (4, 5), (3, 2), 6),
    ]:
        t = HOGTransformer(
            shape, pixels_per_cell=ppc, cells_per_block=cpb, orientations=o
        )
        expected = (
            (shape[0] // ppc[0] - cpb[0] + 1)
            * (shape[1] // ppc[1] - cpb[1] + 1)
            * cpb[0]
            * cpb[1]
            * o
        )
        assert t.n_features_out_ == expected
        assert t.transform([np.zeros((7, 9))]).shape == (1, expected)


def test_sizes_and_colour_mix(rng):
    X = [rng.random((10, 300)), rng.random((120, 80, 3)), rng.random((2, 2, 4))]
    assert HOGTransformer().transform(X).shape == (3, HOGTransformer().n_features_out_)


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"image_shape": (8, 8), "pixels_per_cell": (8, 8)}, "at least one block"),
        ({"image_shape": (64,)}, "'image_shape' parameter of HOGTransformer"),
        ({"pixels_per_cell": (0, 8)}, "'pixels_per_cell'.*pair of ints >= 1"),
        ({"block_norm": "L3"}, "'block_norm' parameter of HOGTransformer must be"),
        ({"orientations": 0}, "'orientations' parameter"),
    ],
)
def test_bad_parameters_are_named(params, pattern):
    with pytest.raises(ValueError, match=pattern):
        HOGTransformer(**params).fit_transform([np.zeros((8, 8))])


@given(
    st.integers(1, 4),
    st.tuples(st.integers(4, 40), st.integers(4, 40)),
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
    st.tuples(st.integers(1, 3), st.integers(1, 3)),
    st.sampled_from([4, 9, 12]),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["random", "binary", "levels"]),
)
def test_hog_of_a_stack_is_skimages_hog_of_each_image(
    n, shape, cell, block, orientations, seed, kind
):
    """Binary and few-level images put many gradients exactly on bin edges."""
    from platevision.features._hog import hog_batch

    # A whole block fits (otherwise skimage has no features either).
    assume(all(s // c >= b for s, c, b in zip(shape, cell, block, strict=True)))
    rng = np.random.default_rng(seed)
    images = rng.random((n, *shape))
    if kind == "binary":
        images = np.round(images)
    elif kind == "levels":
        images = np.round(images * 3) / 3
    ours = hog_batch(images, cell, block, orientations=orientations)
    for image, row in zip(images, ours, strict=True):
        oracle = hog(
            image,
            orientations=orientations,
            pixels_per_cell=cell,
            cells_per_block=block,
            feature_vector=True,
        )
        np.testing.assert_allclose(row, oracle, atol=1e-6)


def test_hog_of_a_stack_too_small_for_a_block_is_a_clear_error():
    from platevision.features._hog import hog_batch

    with pytest.raises(ValueError, match="fewer than a block of 2 x 2"):
        hog_batch(np.zeros((2, 4, 4)), (4, 4), (2, 2))
