"""Image input conversion, parallel helpers and estimator discovery."""

from platevision.utils._image import (
    as_image_sequence,
    check_image,
    check_images,
    read_image,
    resize_image,
)
from platevision.utils._parallel import map_images

__all__ = [
    "as_image_sequence",
    "check_image",
    "check_images",
    "map_images",
    "read_image",
    "resize_image",
]
