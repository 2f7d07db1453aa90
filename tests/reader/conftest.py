"""Fixtures of the plate reader's tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest


def _turn_about_plate(photo: np.ndarray, box, degrees: float) -> np.ndarray:
    import cv2

    x, y, w, h = box
    turn = cv2.getRotationMatrix2D((x + w / 2, y + h / 2), degrees, 1.0)
    # The corners turned in are the photo's median grey: replicated edges would
    # streak them with rows of regular marks no camera sees.
    return cv2.warpAffine(
        np.asarray(photo), turn, photo.shape[1::-1], borderValue=float(np.median(photo))
    )


@pytest.fixture
def turn_about_plate() -> Callable[..., np.ndarray]:
    """``turn(photo, box, degrees)``: the photo turned by ``degrees`` (counter-
    clockwise) about the centre of its plate's ``box``."""
    return _turn_about_plate
