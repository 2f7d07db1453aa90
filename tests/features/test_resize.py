from __future__ import annotations

import numpy as np
import pytest

from platevision.features import HOGTransformer, ImageResizer


def test_output_is_a_stack_of_the_requested_shape(rng):
    X = [rng.random((30, 50)), rng.integers(0, 256, (9, 9, 3), dtype=np.uint8)]
    assert ImageResizer((12, 10)).transform(X).shape == (2, 12, 10, 3)
    grey = ImageResizer((12, 10), grey=True).transform(X)
    assert grey.shape == (2, 12, 10)
    assert grey.dtype == np.float64
    assert ImageResizer((12, 10), grey=True).n_features_out_ == 120


def test_keep_aspect_pads_with_the_value():
    wide = np.ones((10, 40))
    out = ImageResizer((20, 20), grey=True, keep_aspect=True, pad_value=0.0).transform(
        [wide]
    )[0]
    assert out[0].sum() == 0
    assert out[-1].sum() == 0
    assert np.all(out[8:12] == 1.0)


def test_feeds_a_feature_transformer_in_a_pipeline(rng):
    from sklearn.pipeline import make_pipeline

    X = [rng.random((30, 50)), rng.random((64, 64))]
    pipe = make_pipeline(ImageResizer((32, 32), grey=True), HOGTransformer((32, 32)))
    np.testing.assert_allclose(
        pipe.fit_transform(X),
        HOGTransformer((32, 32)).transform(
            ImageResizer((32, 32), grey=True).transform(X)
        ),
    )


def test_bad_shape_is_named():
    with pytest.raises(ValueError, match="'image_shape' parameter of ImageResizer"):
        ImageResizer((0, 3)).transform([np.zeros((3, 3))])
