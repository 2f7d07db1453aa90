"""Metrics: how honest probabilities are, how well plates are found and read."""

from platevision.metrics._calibration import (
    expected_calibration_error,
    multiclass_brier_score,
)
from platevision.metrics._plate import box_iou, character_accuracy

__all__ = [
    "box_iou",
    "character_accuracy",
    "expected_calibration_error",
    "multiclass_brier_score",
]
