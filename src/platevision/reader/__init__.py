"""Licence plate reading: find plates in photos and read them with syntax priors."""

from platevision.reader._patterns import REGION_PATTERNS, shape_of
from platevision.reader._reader import PlateReader, PlateReading

__all__ = ["REGION_PATTERNS", "PlateReader", "PlateReading", "shape_of"]
