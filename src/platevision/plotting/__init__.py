"""Plots of what the estimators read and restore (needs ``platevision[plot]``)."""

from platevision.plotting._restoration import plot_readings

__all__ = ["plot_readings"]
