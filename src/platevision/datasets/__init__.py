"""Image folders, a checksummed fetcher, synthetic plate characters, damage."""

from platevision.datasets._base import clear_data_home, get_data_home
from platevision.datasets._damage import DAMAGE_KINDS, damage_characters
from platevision.datasets._fetchers import fetch_openalpr
from platevision.datasets._loaders import (
    load_cars,
    load_faces,
    load_plate_characters,
    load_plates,
)
from platevision.datasets._synthetic import make_plate_characters
from platevision.datasets._synthetic_plates import make_plates

__all__ = [
    "DAMAGE_KINDS",
    "clear_data_home",
    "damage_characters",
    "fetch_openalpr",
    "get_data_home",
    "load_cars",
    "load_faces",
    "load_plate_characters",
    "load_plates",
    "make_plate_characters",
    "make_plates",
]
