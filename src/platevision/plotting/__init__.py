"""Plots of what the estimators read, restore and look at (``platevision[plot]``)."""

from platevision.plotting._faces import plot_neighbors
from platevision.plotting._importances import importance_map, plot_feature_importances
from platevision.plotting._restoration import plot_readings

__all__ = [
    "importance_map",
    "plot_feature_importances",
    "plot_neighbors",
    "plot_readings",
]
