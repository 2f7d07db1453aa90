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


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        # 15 characters 4 pixels wide cannot fit 64 columns: it failed inside
        # NumPy ("could not broadcast").
        ({"pattern": "D" * 15, "image_shape": (64, 64)}, ValueError, "does not fit"),
        # 12 fitted only with the last character cut by the plate's edge.
        ({"pattern": "D" * 12, "image_shape": (64, 64)}, ValueError, "needs 65"),
        ({"pattern": "LL\u00e9"}, ValueError, r"pattern must hold printable ASCII"),
        ({"image_shape": 240}, TypeError, r"image_shape must be a pair of ints"),
        ({"image_shape": (63, 320)}, ValueError, r"each >= 64; got \(63, 320\)"),
        ({"return_X_y": "no"}, TypeError, r"return_X_y must be a bool"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_plates(2, random_state=0, **kwargs)


def test_numpy_ints_and_the_longest_pattern_that_fits():
    plates = make_plates(2, image_shape=(np.int64(64), 64), pattern="D" * 11)
    assert plates.images.shape == (2, 64, 64)
    x, _, w, _ = plates.boxes.T
    assert np.all(x + w <= 62)
