"""The small changes of training tiles that the proposal classifier learns from."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from platevision.restoration._augment import jitter_tile


@given(
    st.integers(2, 60),
    st.integers(2, 40),
    st.integers(0, 2**32 - 1),
)
def test_a_jittered_tile_is_a_grey_tile_of_nearly_its_size(rows, cols, seed):
    tile = np.random.default_rng(seed).random((rows, cols))
    before = tile.copy()
    out = jitter_tile(tile, np.random.RandomState(seed))
    np.testing.assert_array_equal(tile, before)  # the input is not modified
    assert out.dtype == np.float64
    assert out.ndim == 2
    assert 0.0 <= out.min() <= out.max() <= 1.0
    # Each side changes by -1 to +2 pixels; a tile is never cut below 4 x 2.
    assert rows - 2 <= out.shape[0] <= rows + 4
    assert cols - 2 <= out.shape[1] <= cols + 4
    assert out.shape[0] >= min(rows, 4)
    assert out.shape[1] >= min(cols, 2)
    again = jitter_tile(tile, np.random.RandomState(seed))
    np.testing.assert_array_equal(out, again)  # the same seed, the same change


def test_jitter_moves_the_strokes_a_little_and_keeps_the_character():
    tile = np.ones((32, 18))
    tile[4:28, 7:11] = 0.0  # an I
    rng = np.random.RandomState(0)
    outs = [jitter_tile(tile, rng) for _ in range(20)]
    changed = [
        o.shape != tile.shape or not np.allclose(o, tile, atol=0.05) for o in outs
    ]
    assert sum(changed) >= 18
    ink = (1.0 - tile).sum()
    for out in outs:  # still one dark stem, about as much ink, near its place
        assert 0.6 * ink <= (1.0 - out).sum() <= 1.6 * ink
        profile = out.mean(axis=0)
        assert 5 <= int(np.argmin(profile)) <= 13
        assert profile.min() < 0.7 < profile[[0, -1]].min()


def test_thicker_or_thinner_strokes_stay_in_place_on_average():
    """Eroded or dilated with a 2 x 2 window, a stroke moves half a pixel towards
    one corner or the other: never the same way every time."""
    from unittest import mock

    import platevision.restoration._augment as augment

    tile = np.ones((32, 18))
    tile[4:28, 7:11] = 0.0
    tile[14:18, 4:14] = 0.0  # a cross, so both axes have a centre of ink

    def centre(image):
        ink = 1.0 - image
        ys, xs = np.indices(image.shape)
        return np.array([(ys * ink).sum(), (xs * ink).sum()]) / ink.sum()

    still = {"_MARGIN": (0, 0), "_ROTATION": 0.0, "_SHEAR": 0.0, "_SCALE": 0.0}
    still |= {"_BLUR_P": 0.0, "_STROKE_P": 0.5}  # always thicker or thinner
    with mock.patch.multiple(augment, **still):
        rng = np.random.RandomState(0)
        shifts = np.array(
            [centre(jitter_tile(tile, rng)) - centre(tile) for _ in range(200)]
        )
    assert np.abs(shifts.mean(axis=0)).max() < 0.15
    assert (shifts[:, 1] > 0.2).any()
    assert (shifts[:, 1] < -0.2).any()
