"""Template evidence: the damage found against each candidate's prototypes."""

from __future__ import annotations

import numpy as np

from platevision.restoration._evidence import DAMAGE_COST, candidate_costs

SHAPE = (12, 8)


def _costs(tiles, bank, known=None):
    n = len(tiles)
    return candidate_costs(
        np.reshape(tiles, (n, -1)).astype(float),
        np.zeros(n),
        None if known is None else np.reshape(known, (n, -1)),
        np.zeros((n, 1), dtype=np.intp),  # one candidate: class 0
        np.reshape(bank, (len(bank), -1)).astype(float),
        np.zeros(len(bank)),
        np.zeros((1, 1), dtype=np.intp),  # class 0's one prototype: bank[0]
        SHAPE,
    )


def test_damage_found_is_the_clustered_disagreement_and_costs_a_flat_price():
    prototype = np.zeros(SHAPE)
    prototype[:, 2:4] = 1.0  # a stem
    blotted = prototype.copy()
    blotted[4:7, 4:7] = 1.0  # foreign ink beside it, 3 x 3
    lone = prototype.copy()
    lone[9, 6] = 1.0  # one pixel off: no cluster, no damage
    costs, best, masks = _costs([prototype, blotted, lone], [prototype])
    masks = masks[:, 0].reshape(-1, *SHAPE)
    assert not masks[0].any()
    assert not masks[2].any()
    expected = np.zeros(SHAPE, dtype=bool)
    expected[4:7, 4:7] = True
    np.testing.assert_array_equal(masks[1], expected)  # the blot
    # Each pixel of the blot costs DAMAGE_COST; the rest their residual.
    assert costs[0, 0] == 0.0
    np.testing.assert_allclose(costs[1, 0], DAMAGE_COST * 9 / prototype.size)
    np.testing.assert_allclose(costs[2, 0], 1.0 / prototype.size)
    np.testing.assert_array_equal(best, 0)


def _stem_with(gap_rows, blot):
    """A stem prototype, and a tile of it with ``gap_rows`` of the stem taken
    away and the ``blot`` of ink added."""
    prototype = np.zeros(SHAPE)
    prototype[:, 2:4] = 1.0
    tile = prototype.copy()
    tile[gap_rows, 2:4] = 0.0
    tile[blot] = 1.0
    return prototype, tile


def test_damage_found_goes_one_way_the_other_side_is_a_mismatch():
    gap = np.zeros(SHAPE, dtype=bool)
    gap[0:4, 2:4] = True  # 8 pixels of the stem taken away
    big_blot = np.zeros(SHAPE, dtype=bool)
    big_blot[5:8, 5:8] = True  # 9 pixels of ink added
    small_blot = np.zeros(SHAPE, dtype=bool)
    small_blot[6:8, 5:7] = True  # 4 pixels of ink added
    tiles = []
    for blot in (big_blot, small_blot):
        prototype, tile = _stem_with(slice(0, 4), blot)
        tiles.append(tile)
    costs, _, masks = _costs(tiles, [prototype])
    masks = masks[:, 0].reshape(-1, *SHAPE)
    # More ink added than taken away: the blot is the damage, the gap a mismatch.
    np.testing.assert_array_equal(masks[0], big_blot)
    np.testing.assert_allclose(costs[0, 0], (9 * DAMAGE_COST + 8) / prototype.size)
    # More taken away than added: the gap is the damage, the blot a mismatch.
    np.testing.assert_array_equal(masks[1], gap)
    np.testing.assert_allclose(costs[1, 0], (8 * DAMAGE_COST + 4) / prototype.size)


def test_one_way_ties_keep_the_ink_added_and_each_reading_chooses_its_own_side():
    blot = np.zeros(SHAPE, dtype=bool)
    blot[6:8, 4:8] = True  # 8 pixels added, as many as the gap takes away
    prototype, tile = _stem_with(slice(0, 4), blot)
    costs, _, masks = _costs([tile], [prototype])
    np.testing.assert_array_equal(masks[0, 0].reshape(SHAPE), blot)
    np.testing.assert_allclose(costs[0, 0], (8 * DAMAGE_COST + 8) / prototype.size)
    # A second reading whose prototype has much more ink than the tile: its
    # damage is ink taken away, and the first reading still keeps its blot.
    wide = tile.copy()
    wide[8:12, :] = 1.0
    taken = (wide > tile).reshape(-1)
    costs, best, masks = candidate_costs(
        tile.reshape(1, -1),
        np.zeros(1),
        None,
        np.array([[0, 1]]),
        np.stack([prototype.ravel(), wide.ravel()]),
        np.zeros(2),
        np.array([[0], [1]]),
        SHAPE,
    )
    np.testing.assert_array_equal(best, [[0, 1]])
    np.testing.assert_array_equal(masks[0, 0].reshape(SHAPE), blot)
    np.testing.assert_array_equal(masks[0, 1], taken)


def test_a_known_mask_is_damage_both_ways():
    blot = np.zeros(SHAPE, dtype=bool)
    blot[5:8, 5:8] = True
    prototype, tile = _stem_with(slice(0, 4), blot)
    known = blot.copy()
    known[0:4, 2:4] = True
    costs, _, masks = _costs([tile], [prototype], known=[known])
    np.testing.assert_array_equal(masks[0, 0].reshape(SHAPE), known)
    np.testing.assert_allclose(costs[0, 0], 17 * DAMAGE_COST / prototype.size)
