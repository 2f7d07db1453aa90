"""Tests of platevision.datasets.make_plates' patterns."""

from __future__ import annotations

import numpy as np
import pytest

from platevision.datasets import make_plates


def _dark_columns(plates, i: int, threshold: float = 0.4) -> np.ndarray:
    """Per column of plate ``i``'s box (inside its frame), the dark pixels."""
    x, y, w, h = plates.boxes[i]
    inside = plates.images[i, y + 3 : y + h - 3, x + 3 : x + w - 3]
    return (inside < threshold * inside.max()).sum(axis=0)


def test_separators_are_in_the_texts_and_on_the_plates():
    dashed = make_plates(4, pattern="LL-DDD", random_state=0)
    spaced = make_plates(4, pattern="LL DDD", random_state=0)
    plain = make_plates(4, pattern="LLDDD", random_state=0)
    assert all(len(t) == 6 and t[2] == "-" for t in dashed.target)
    assert all(len(t) == 6 and t[2] == " " for t in spaced.target)
    # The same draws of characters, the separator put in.
    assert [t.replace("-", "") for t in dashed.target] == list(plain.target)
    # A separator is half a character wide and as many gaps take the place.
    assert np.all(dashed.boxes[:, 2] > plain.boxes[:, 2])
    np.testing.assert_array_equal(dashed.boxes[:, 2], spaced.boxes[:, 2])
    # A dash is ink, a space none: the dashed plate has more dark columns.
    for i in range(4):
        dark_dash = np.count_nonzero(_dark_columns(dashed, i))
        dark_space = np.count_nonzero(_dark_columns(spaced, i))
        assert dark_dash > dark_space


@pytest.mark.parametrize("pattern", ["", "--", " ", 7])
def test_a_pattern_without_a_letter_or_digit_is_named(pattern):
    with pytest.raises(ValueError, match="pattern must be a str with a letter"):
        make_plates(1, pattern=pattern)


def test_a_narrow_photo_gets_narrower_characters():
    # Characters 0.1 to 0.18 of 480 rows high would not fit 320 columns.
    plates = make_plates(5, pattern="LLLDDDD", image_shape=(480, 320), random_state=0)
    x, _, w, _ = plates.boxes.T
    assert np.all(x >= 2)
    assert np.all(x + w <= 318)
