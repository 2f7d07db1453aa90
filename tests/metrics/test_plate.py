"""Tests of platevision.metrics._plate (character accuracy, box IoU)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from platevision.metrics import box_iou, character_accuracy

_plate_text = st.text(alphabet="ABC0123", max_size=9)
_box = st.tuples(
    st.integers(-50, 50),
    st.integers(-50, 50),
    st.integers(0, 60),
    st.integers(0, 60),
)


@cache
def _edit_distance_recursive(a: str, b: str) -> int:
    """The textbook recursion (memoised)."""
    if not a or not b:
        return len(a) + len(b)
    if a[0] == b[0]:
        return _edit_distance_recursive(a[1:], b[1:])
    return 1 + min(
        _edit_distance_recursive(a[1:], b),
        _edit_distance_recursive(a, b[1:]),
        _edit_distance_recursive(a[1:], b[1:]),
    )


@pytest.mark.parametrize(
    ("true", "pred", "expected"),
    [
        ("ABC1234", "ABC1234", 1.0),
        ("ABC1234", "ABC1Z34", 6 / 7),  # one substitution
        ("ABC1234", "ABC123", 6 / 7),  # one deletion
        ("ABC123", "ABC1234", 6 / 7),  # one insertion
        ("ABC1234", "", 0.0),
        ("", "", 1.0),
        ("AB", "BA", 0.0),  # two substitutions, no transposition credit
        ("KITTEN", "SITTING", 1 - 3 / 7),
    ],
)
def test_character_accuracy_known_values(true, pred, expected):
    assert character_accuracy([true], [pred]) == pytest.approx(expected)


def test_character_accuracy_is_the_mean_over_samples():
    value = character_accuracy(["ABC1234", "XY12", ""], ["ABC1234", "XY1", "A"])
    assert value == pytest.approx((1.0 + 0.75 + 0.0) / 3)


@given(st.lists(st.tuples(_plate_text, _plate_text), min_size=1, max_size=5))
def test_character_accuracy_matches_the_recursion(pairs):
    true = [t for t, _ in pairs]
    pred = [p for _, p in pairs]
    expected = np.mean(
        [
            1 - _edit_distance_recursive(t, p) / max(len(t), len(p)) if t or p else 1
            for t, p in pairs
        ]
    )
    assert character_accuracy(true, pred) == pytest.approx(expected)


@given(st.lists(st.tuples(_plate_text, _plate_text), min_size=1, max_size=5))
def test_character_accuracy_properties(pairs):
    true = [t for t, _ in pairs]
    pred = [p for _, p in pairs]
    value = character_accuracy(true, pred)
    assert 0.0 <= value <= 1.0
    assert value == pytest.approx(character_accuracy(pred, true))
    assert character_accuracy(true, true) == 1.0
    exact = all(t == p for t, p in pairs)
    assert (value == 1.0) == exact


def test_character_accuracy_accepts_arrays_and_does_not_modify_them():
    true = np.array(["ABC1234", "XYZ99"], dtype=object)
    pred = np.array(["ABC1234", "XYZ98"])
    before = pred.copy()
    assert character_accuracy(true, pred) == pytest.approx((1 + 0.8) / 2)
    np.testing.assert_array_equal(pred, before)


@pytest.mark.parametrize(
    ("true", "pred", "error", "match"),
    [
        (["AB"], ["AB", "C"], ValueError, "as many texts"),
        ([], [], ValueError, "at least one sample"),
        ("AB", "AB", TypeError, "single str"),
        ([["AB"]], [["AB"]], ValueError, "1-D"),
        (["AB", 3], ["AB", "3"], TypeError, r"y_true\[1\] must be a str"),
        (["AB"], [None], TypeError, r"y_pred\[0\] must be a str"),
    ],
)
def test_character_accuracy_rejects_bad_input(true, pred, error, match):
    with pytest.raises(error, match=match):
        character_accuracy(true, pred)


def test_box_iou_known_values():
    a = [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 4, 4], [0, 0, 0, 5]]
    b = [[0, 0, 10, 10], [5, 0, 10, 10], [20, 20, 5, 5], [1, 1, 2, 2], [0, 0, 0, 5]]
    np.testing.assert_allclose(box_iou(a, b), [1.0, 50 / 150, 0.0, 4 / 16, 0.0])


def test_box_iou_touching_boxes_do_not_overlap():
    assert box_iou([0, 0, 10, 10], [10, 0, 10, 10]).tolist() == [0.0]


def test_box_iou_single_boxes_give_one_value():
    iou = box_iou((935, 362, 99, 49), (935, 362, 99, 49))
    assert iou.shape == (1,)
    assert iou[0] == 1.0


@given(st.lists(st.tuples(_box, _box), min_size=1, max_size=6))
def test_box_iou_properties(pairs):
    a = np.array([p for p, _ in pairs])
    b = np.array([q for _, q in pairs])
    iou = box_iou(a, b)
    assert iou.shape == (len(pairs),)
    assert np.all((iou >= 0) & (iou <= 1))
    np.testing.assert_allclose(iou, box_iou(b, a))
    with_area = (a[:, 2] > 0) & (a[:, 3] > 0)
    np.testing.assert_allclose(box_iou(a, a), with_area.astype(float))
    # Shifting both boxes together changes nothing.
    shift = np.array([7, -3, 0, 0])
    np.testing.assert_allclose(box_iou(a + shift, b + shift), iou)


@given(_box, _box)
def test_box_iou_matches_pixel_counting(p, q):
    canvas_a = np.zeros((200, 200), bool)
    canvas_b = np.zeros((200, 200), bool)
    for canvas, (x, y, w, h) in ((canvas_a, p), (canvas_b, q)):
        canvas[y + 60 : y + 60 + h, x + 60 : x + 60 + w] = True
    union = (canvas_a | canvas_b).sum()
    expected = (canvas_a & canvas_b).sum() / union if union else 0.0
    assert box_iou(p, q)[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([[0, 0, 1]], [[0, 0, 1, 1]], r"boxes_a must be of shape \(n_boxes, 4\)"),
        ([[0, 0, 1, 1]], [[0, 0, 1, 1], [0, 0, 1, 1]], "as many boxes"),
        ([[0, 0, 1, 1]], [[0, 0, np.nan, 1]], "boxes_b must hold finite"),
        ([[0, 0, 1, 1], [0, 0, -1, 1]], [[0, 0, 1, 1]] * 2, r"boxes_a\[1\]"),
    ],
)
def test_box_iou_rejects_bad_boxes(a, b, match):
    with pytest.raises(ValueError, match=match):
        box_iou(a, b)
