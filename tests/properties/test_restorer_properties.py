"""Property tests of the restorer: unmasked pixels are kept; outputs are valid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from platevision.datasets import make_plate_characters
from platevision.restoration import PlateCharacterRestorer


@pytest.fixture(scope="module")
def restorer():
    train = make_plate_characters(4, alphabet="0123456789", random_state=0)
    model = PlateCharacterRestorer(n_augment=1, random_state=0)
    return model.fit(train.images, train.target)


tiles = st.tuples(st.integers(2, 40), st.integers(2, 30)).flatmap(
    lambda shape: st.tuples(
        arrays(np.float64, shape, elements=st.floats(0, 1)),
        arrays(np.bool_, shape),
    )
)


@given(tile_and_mask=tiles)
def test_restore_keeps_unmasked_pixels_and_stays_in_range(restorer, tile_and_mask):
    tile, mask = tile_and_mask
    before = tile.copy()
    restored = restorer.restore([tile], masks=[mask])[0]
    assert restored.shape == tile.shape
    np.testing.assert_allclose(restored[~mask], tile[~mask], atol=1e-12)
    assert restored.min() >= 0.0
    assert restored.max() <= 1.0
    np.testing.assert_array_equal(tile, before)


@given(tile_and_mask=tiles)
def test_readings_only_name_characters_of_the_alphabet(restorer, tile_and_mask):
    tile, _ = tile_and_mask
    proba = restorer.predict_proba([tile])[0]
    assert np.isclose(proba.sum(), 1.0)
    readings = restorer.readings([tile], top_k=3)[0]
    assert {r.character for r in readings} <= set("0123456789")
