"""Small geometric and photometric changes of character tiles, for training.

Characters cut out of photos are never cut alike: the box is a pixel or two
off, the plate is a little turned or seen at a slant, the print is thicker or
thinner and the photo sharper or softer. The proposal classifier learns from
copies of its training tiles changed that way, so that it reads characters cut
from other photos, plates and fonts as well as those it was shown.
"""

from __future__ import annotations

import numpy as np

__all__ = ["jitter_tile"]

#: Margin change per side, in pixels: from cutting one pixel in to adding two.
_MARGIN = (-1, 2)
#: Largest rotation (degrees), shear (x per y) and relative change of scale.
_ROTATION, _SHEAR, _SCALE = 4.0, 0.12, 0.1
#: Chance and range of a Gaussian blur (sigma, pixels).
_BLUR_P, _BLUR_SIGMA = 0.5, (0.3, 1.0)
#: Chance of thicker, and of thinner, strokes (a 2 x 2 minimum or maximum) for
#: tiles at least ``_STROKE_MIN_HEIGHT`` pixels tall.
_STROKE_P, _STROKE_MIN_HEIGHT = 0.2, 12


def jitter_tile(grey: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """A copy of a grey tile, cut, turned, slanted, scaled, blurred a little.

    Parameters
    ----------
    grey : (M, N) ndarray of float
        A character tile in [0, 1], either polarity. Not modified.
    rng : numpy.random.RandomState
        The source of the changes.

    Returns
    -------
    jittered : (M', N') ndarray of float64
        The changed tile in [0, 1]; its margins may differ from the tile's by
        -1 to +2 pixels a side (a tile is never cut below 4 x 2 pixels).

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.restoration._augment import jitter_tile
    >>> tile = np.ones((30, 16))
    >>> tile[4:26, 6:10] = 0.0  # a stroke
    >>> out = jitter_tile(tile, np.random.RandomState(0))
    >>> out.ndim, bool(0.0 <= out.min() and out.max() <= 1.0)
    (2, True)
    """
    import cv2

    image: np.ndarray = np.asarray(grey, dtype=np.float32)
    left, top, right, bottom = rng.randint(_MARGIN[0], _MARGIN[1] + 1, size=4)
    image = cv2.copyMakeBorder(
        image,
        max(top, 0),
        max(bottom, 0),
        max(left, 0),
        max(right, 0),
        cv2.BORDER_REPLICATE,
    )
    height, width = image.shape
    cut = [max(-v, 0) for v in (left, top, right, bottom)]
    if height - cut[1] - cut[3] >= 4 and width - cut[0] - cut[2] >= 2:
        image = image[cut[1] : height - cut[3], cut[0] : width - cut[2]]
    height, width = image.shape
    centre = np.array([width / 2.0, height / 2.0])
    angle = np.deg2rad(rng.uniform(-_ROTATION, _ROTATION))
    rotation = np.array(
        [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    )
    scale_x, scale_y = rng.uniform(1.0 - _SCALE, 1.0 + _SCALE, size=2)
    shear = rng.uniform(-_SHEAR, _SHEAR)
    linear = rotation @ np.array([[scale_x, shear], [0.0, scale_y]])
    affine = np.column_stack([linear, centre - linear @ centre]).astype(np.float32)
    image = cv2.warpAffine(
        image,
        affine,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    if rng.uniform() < _BLUR_P:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(*_BLUR_SIGMA))
    stroke = rng.uniform()
    if height >= _STROKE_MIN_HEIGHT and stroke < 2 * _STROKE_P:
        change = cv2.erode if stroke < _STROKE_P else cv2.dilate
        # A 2 x 2 window moves the strokes half a pixel towards its anchor's
        # far side: either way at random, so on average they stay.
        anchor = (0, 0) if rng.uniform() < 0.5 else (1, 1)
        image = change(image, np.ones((2, 2), np.uint8), anchor=anchor)
    return np.clip(image, 0.0, 1.0).astype(np.float64)
