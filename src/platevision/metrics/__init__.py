"""Metrics for probabilistic readers: how honest their probabilities are."""

from platevision.metrics._calibration import (
    expected_calibration_error,
    multiclass_brier_score,
)

__all__ = ["expected_calibration_error", "multiclass_brier_score"]
