"""Tests of platevision.metrics._calibration (ECE and multiclass Brier score)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, make_scorer
from sklearn.model_selection import cross_val_score
from sklearn.naive_bayes import GaussianNB

from platevision.metrics import expected_calibration_error, multiclass_brier_score


def _random_proba(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    logits = rng.normal(scale=2.0, size=(n, k))
    proba = np.exp(logits)
    return proba / proba.sum(axis=1, keepdims=True)


def _ece_loop(truth: np.ndarray, proba: np.ndarray, n_bins: int) -> float:
    """ECE the textbook way: loop over bins ((m - 1) / M, m / M]."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == truth
    total = 0.0
    for m in range(n_bins):
        low, high = m / n_bins, (m + 1) / n_bins
        in_bin = (confidence > low) & (confidence <= high)
        if m == 0:
            in_bin |= confidence == 0.0
        if in_bin.any():
            gap = correct[in_bin].mean() - confidence[in_bin].mean()
            total += in_bin.mean() * abs(gap)
    return total


@pytest.mark.parametrize("n_bins", [1, 5, 15, 40])
def test_ece_matches_direct_computation(rng, n_bins):
    proba = _random_proba(rng, 500, 6)
    truth = rng.integers(0, 6, 500)
    truth[:6] = np.arange(6)  # every label present
    ece = expected_calibration_error(truth, proba, n_bins=n_bins)
    assert ece == pytest.approx(_ece_loop(truth, proba, n_bins), abs=1e-12)


def test_ece_with_string_labels_and_column_order(rng):
    proba = _random_proba(rng, 200, 3)
    truth = rng.integers(0, 3, 200)
    names = np.array(["Z", "A", "M"])  # columns are not in sorted order
    ece = expected_calibration_error(names[truth], proba, labels=names)
    assert ece == pytest.approx(_ece_loop(truth, proba, 15), abs=1e-12)


def test_ece_is_zero_when_perfectly_calibrated():
    # In each confidence level, exactly that fraction is right.
    y_true, y_proba = [], []
    for confidence, n_right, n in [(0.6, 3, 5), (0.8, 4, 5), (1.0, 2, 2)]:
        for i in range(n):
            y_proba.append([confidence, 1.0 - confidence])
            y_true.append(0 if i < n_right else 1)
    assert expected_calibration_error(y_true, y_proba) == pytest.approx(0.0)
    assert expected_calibration_error(y_true, y_proba, n_bins=1) == pytest.approx(
        (0.6 * 5 + 0.8 * 5 + 2 - 9) / 12, abs=1e-12
    )


def test_ece_is_zero_for_certain_right_answers():
    y_true = np.array([0, 1, 2, 1])
    assert expected_calibration_error(y_true, np.eye(3)[y_true]) == 0.0
    assert multiclass_brier_score(y_true, np.eye(3)[y_true]) == 0.0


def test_ece_of_an_overconfident_reader():
    # Always 99 % sure, right half of the time: the gap is 0.49.
    y_true = np.array([0, 1] * 50)
    y_proba = np.tile([0.99, 0.01], (100, 1))
    assert expected_calibration_error(y_true, y_proba) == pytest.approx(0.49)
    # An honest reader with the same answers (50 %) is calibrated.
    honest = np.tile([0.5, 0.5], (100, 1))
    assert expected_calibration_error(y_true, honest) == pytest.approx(0.0)


def test_brier_matches_direct_computation(rng):
    proba = _random_proba(rng, 300, 5)
    truth = rng.integers(0, 5, 300)
    truth[:5] = np.arange(5)
    expected = np.mean(
        [
            sum((proba[i, k] - (k == truth[i])) ** 2 for k in range(5))
            for i in range(300)
        ]
    )
    assert multiclass_brier_score(truth, proba) == pytest.approx(expected)


def test_brier_is_twice_sklearn_binary_brier(rng):
    p = rng.uniform(size=400)
    y_true = rng.integers(0, 2, 400)
    binary = brier_score_loss(y_true, p)
    ours = multiclass_brier_score(y_true, np.column_stack([1 - p, p]))
    assert ours == pytest.approx(2 * binary)
    names = np.array(["neg", "pos"])
    ours = multiclass_brier_score(names[y_true], np.column_stack([1 - p, p]))
    assert ours == pytest.approx(
        2 * brier_score_loss(names[y_true], p, pos_label="pos")
    )


def test_brier_bounds():
    assert multiclass_brier_score([0, 1], [[0.0, 1.0], [1.0, 0.0]]) == 2.0
    assert multiclass_brier_score([0, 1], [[0.5, 0.5], [0.5, 0.5]]) == 0.5


def test_labels_allow_classes_absent_from_y_true():
    y_proba = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    brier = multiclass_brier_score(["a", "b"], y_proba, labels=["a", "b", "c"])
    assert brier == pytest.approx(((0.09 + 0.04 + 0.01) + (0.01 + 0.04 + 0.01)) / 2)
    ece = expected_calibration_error(["a", "b"], y_proba, labels=["a", "b", "c"])
    assert ece == pytest.approx((0.3 + 0.2) / 2)


def test_binary_positive_class_probability_is_accepted(rng):
    p = rng.uniform(size=50)
    y_true = rng.integers(0, 2, 50)
    both = np.column_stack([1 - p, p])
    for metric in (expected_calibration_error, multiclass_brier_score):
        assert metric(y_true, p) == metric(y_true, both)
        assert metric(np.ones(50), p, labels=[0, 1]) == metric(
            np.ones(50), both, labels=[0, 1]
        )


@pytest.mark.parametrize("metric", [expected_calibration_error, multiclass_brier_score])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_works_with_make_scorer(metric, n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    y = np.digitize(
        X[:, 0], np.quantile(X[:, 0], [0.5] if n_classes == 2 else [1 / 3, 2 / 3])
    )
    scorer = make_scorer(
        metric,
        greater_is_better=False,
        response_method="predict_proba",
        labels=np.arange(n_classes),
    )
    scores = cross_val_score(GaussianNB(), X, y, scoring=scorer, cv=3)
    assert scores.shape == (3,)
    assert np.all(scores <= 0)


@pytest.mark.parametrize("metric", [expected_calibration_error, multiclass_brier_score])
@pytest.mark.parametrize(
    ("y_true", "y_proba", "kwargs", "match"),
    [
        ([0, 1], [[0.5, 0.6], [0.5, 0.5]], {}, r"rows must sum to 1 .*row 0 summing"),
        ([0, 1], [[0.5, 0.5]], {}, r"one row per sample of y_true \(2\); got 1"),
        ([0, 1, 2], [0.5] * 3, {}, r"y_proba must be 2-D.*got shape \(3,\) and 3"),
        ([1, 1], [0.5] * 2, {}, r"must be 2-D.*Pass labels="),
        ([0, 1], np.ones((2, 2, 1)) / 2, {}, r"got shape \(2, 2, 1\)"),
        ([[0, 1], [1, 0]], [[0.5, 0.5]] * 2, {}, r"y_true must be 1-D.*\(2, 2\)"),
        ([0, 1], [[1.5, -0.5], [0.5, 0.5]], {}, r"in \[0, 1\]; got values in"),
        ([0, 1], [[0.4, 0.3, 0.3]] * 2, {}, r"one column per label of y_true \(2\)"),
        ([0, 3], [[0.5, 0.5]] * 2, {"labels": [0, 1]}, r"\[3\] are not in \[0, 1\]"),
        ([0, 1], [[0.5, 0.5]] * 2, {"labels": [0, 1, 2]}, r"every column .*got 3"),
        ([0, 1], [[0.5, 0.5]] * 2, {"labels": [0, 0]}, r"must not repeat a label"),
        ([], np.empty((0, 2)), {}, r"at least one sample"),
        ([0, 1], [[np.nan, 0.5], [0.5, 0.5]], {}, r"NaN"),
    ],
)
def test_errors(metric, y_true, y_proba, kwargs, match):
    with pytest.raises(ValueError, match=match):
        metric(y_true, y_proba, **kwargs)


def test_row_sum_tolerance():
    # float32 rounding is accepted, a real error is not.
    y_proba = np.array([[0.3, 0.7 + 5e-7], [0.5, 0.5]])
    assert multiclass_brier_score([1, 0], y_proba) > 0
    with pytest.raises(ValueError, match="rows must sum to 1"):
        multiclass_brier_score([1, 0], y_proba + [[0.0, 1e-5], [0.0, 0.0]])


@pytest.mark.parametrize("n_bins", [0, 1.5, "15"])
def test_ece_rejects_bad_n_bins(n_bins):
    with pytest.raises(
        Exception, match="'n_bins' parameter of expected_calibration_error must be"
    ):
        expected_calibration_error([0, 1], [[0.5, 0.5]] * 2, n_bins=n_bins)


def test_inputs_are_not_modified(rng):
    proba = _random_proba(rng, 20, 3)
    truth = np.arange(20) % 3
    before = proba.copy()
    expected_calibration_error(truth, proba)
    multiclass_brier_score(truth, proba)
    np.testing.assert_array_equal(proba, before)
