"""Synthetic tiles for the characters a reader's training photos seldom show."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest

from platevision.reader._patterns import parse_patterns
from platevision.reader._rare import allowed_characters, rare_character_tiles

ALPHANUMERIC = set(string.ascii_uppercase + string.digits)


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["LLLDDDD"], ALPHANUMERIC),
        (["[ABC]DD"], set("ABC") | set(string.digits)),
        (["[AB]LL", "D[XY]"], set(string.ascii_uppercase) | set(string.digits)),
        (["[AB][CD]"], set("ABCD")),
        (["???"], ALPHANUMERIC),
        ([re.compile("[A-Z]{3}")], ALPHANUMERIC),
    ],
)
def test_the_characters_the_patterns_allow(patterns, expected):
    assert allowed_characters(parse_patterns(patterns)) == expected


def test_each_allowed_character_is_topped_up_to_the_minimum():
    labels = list("AAAAAB") + ["Z"] * 7
    tiles, chars = rare_character_tiles(labels, "ABCZ", 3, random_state=0)
    # A and Z have 3 or more; B has 1 and gets 2; C has none and gets 3.
    assert chars == ["B", "B", "C", "C", "C"]
    assert len(tiles) == len(chars)
    for tile in tiles:
        # Dark characters on a light ground (made 32 x 20), cut to their ink.
        assert tile.ndim == 2
        assert tile.shape[0] <= 32
        assert tile.shape[1] <= 20
        assert tile.min() < 0.5 < tile.max()
        ink = tile < 0.5
        # Ink within a pixel or two of every side.
        assert ink[:3].any()
        assert ink[-3:].any()
        assert ink[:, :3].any()
        assert ink[:, -3:].any()
    again, _ = rare_character_tiles(labels, "ABCZ", 3, random_state=0)
    for a, b in zip(tiles, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_tiles_when_every_character_has_enough_or_the_minimum_is_zero():
    assert rare_character_tiles(list("AABB"), "AB", 2, random_state=0) == ([], [])
    assert rare_character_tiles([], "AB", 0, random_state=0) == ([], [])
