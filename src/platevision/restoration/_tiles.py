"""Character tiles in the restorer's canonical form: an ink map of a fixed shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from platevision.utils._image import check_image, resize_image

# A tile whose robust contrast is below this has no ink to read.
FLAT_CONTRAST = 0.05
# A border with between these fractions of dark pixels does not say which is
# the background (a dark occluder or dirt over the edge, a bold tight crop).
AMBIGUOUS_BORDER = (1.0 / 3.0, 2.0 / 3.0)


@dataclass
class Tile:
    """One tile as the restorer sees it.

    ``grey`` is the tile as given (grey, [0, 1]); ``ink`` its ink map at the
    original size (1 = ink, 0 = background, whatever the polarity of the tile);
    ``canonical`` the ink map resized to the canonical shape, flattened.
    ``ambiguous``: the border leaves the polarity in doubt (see :func:`ink_map`).
    """

    grey: np.ndarray
    ink: np.ndarray
    canonical: np.ndarray
    log_aspect: float
    inverted: bool
    flat: bool
    levels: tuple[float, float]
    ambiguous: bool = False

    def raw_ink(self) -> np.ndarray:
        """The tile's ink before stretching (``levels`` maps stretched ink back)."""
        return self.grey if self.inverted else 1.0 - self.grey


def _percentiles(values: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """``np.percentile(values, [low, high])`` (linear interpolation), from one
    sort: several times faster on a tile, and tiles are many."""
    ranked = np.sort(values, axis=None)
    out = []
    for q in (low, high):
        position = q / 100.0 * (ranked.size - 1)
        below = int(position)
        above = min(below + 1, ranked.size - 1)
        fraction = position - below
        out.append(float(ranked[below] + fraction * (ranked[above] - ranked[below])))
    return out[0], out[1]


def ink_map(
    grey: np.ndarray, inverted: bool | None = None
) -> tuple[np.ndarray, bool, bool, tuple[float, float], bool]:
    """The ink of a grey tile, contrast-stretched; is it inverted? is it flat?
    Does its border leave that in doubt?

    The background is what the tile's border mostly shows: a border darker than
    the middle of the tile's own grey levels (halfway between its 2nd and 98th
    percentiles) means light characters on a dark plate, and the tile is
    inverted. The middle is the tile's, not 0.5: a grey plate in a dim photo
    (background 0.4, ink 0.1) still has dark characters. The grey levels are
    stretched between those percentiles, so faded or low-contrast tiles look
    like crisp ones. When between a third and two thirds of the border is dark
    (a dark occluder or dirt over the edge, a bold character cut tight), the
    border does not tell, and the tile is *ambiguous*: the restorer then reads it
    both ways. ``inverted`` given (True or False) sets the polarity, and the
    tile is not ambiguous.
    """
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    dark, light = _percentiles(grey, 2.0, 98.0)
    middle = (dark + light) / 2
    ambiguous = False
    if inverted is None:
        inverted = bool(np.median(border) < middle)
        dark_border = float(np.mean(border < middle))
        ambiguous = AMBIGUOUS_BORDER[0] <= dark_border <= AMBIGUOUS_BORDER[1]
    ink = grey if inverted else 1.0 - grey
    # The ink's 2nd and 98th percentiles are the grey's, or 1 minus the grey's
    # 98th and 2nd.
    low, high = (dark, light) if inverted else (1.0 - light, 1.0 - dark)
    flat = bool(high - low < FLAT_CONTRAST)
    if flat:
        levels = (float(low), float(low) + 1.0)
        return np.zeros_like(ink), inverted, True, levels, False
    stretched = np.clip((ink - low) / (high - low), 0.0, 1.0)
    return stretched, inverted, False, (float(low), float(high)), ambiguous


def make_tile(
    item: Any, index: int, shape: tuple[int, int], inverted: bool | None = None
) -> Tile:
    """Read one item of X (array or path) and put it in canonical form
    (``inverted``: as in :func:`ink_map`)."""
    grey = check_image(item, mode="grey", index=index)
    ink, inverted, flat, levels, ambiguous = ink_map(grey, inverted)
    canonical = resize_image(ink, shape).ravel()
    log_aspect = float(np.log(grey.shape[1] / grey.shape[0]))
    return Tile(grey, ink, canonical, log_aspect, inverted, flat, levels, ambiguous)


def flipped(tile: Tile, shape: tuple[int, int]) -> Tile:
    """The tile read with the other polarity."""
    return make_tile(tile.grey, 0, shape, inverted=not tile.inverted)


def ink_extent(tiles: list[Tile]) -> np.ndarray:
    """The shares of each tile's rows and of its columns that its ink spans
    (n, 2): from its first to its last row (column) with ink, ink map over 0.5
    at the tile's own size; 0 for a tile without ink.

    A character cut out whole spans most of its tile both ways (on half of
    the benchmark's real training tiles, clean: rows 0.91 at the median and
    0.81 for the 1% least, columns 1.00 and 0.86); one mostly painted over
    spans the part still seen. Measured at the tile's own size, strokes
    thinner than a canonical pixel count too.
    """
    extent = np.zeros((len(tiles), 2))
    for i, tile in enumerate(tiles):
        ink = tile.ink > 0.5
        for axis in (0, 1):
            seen = np.flatnonzero(ink.any(axis=1 - axis))
            if seen.size:
                extent[i, axis] = (seen[-1] - seen[0] + 1) / ink.shape[axis]
    return extent


def classifier_features(tiles: list[Tile], shape: tuple[int, int]) -> np.ndarray:
    """Features of the proposal classifier: a coarse ink map, HOG, the aspect ratio.

    The ink map is taken at three quarters of the canonical resolution (e.g.
    24 x 12 for 32 x 16): coarse enough to forgive a pixel of misalignment, fine
    enough to keep the strokes apart. HOG of the canonical ink map (4 x 4 pixel
    cells, 2 x 2 blocks) describes the strokes' directions, which carry over
    from one font to another better than pixels do (measured: on a split of the
    real training tiles mean accuracy over damage conditions 0.789 -> 0.811, on
    synthetic multi-font tiles 0.870 -> 0.889).

    The features are float32: scikit-learn's network then trains and predicts
    in float32 (measured on one core: the restorer's fit on the 886 real
    training tiles of the benchmark 160 -> 109 s, its reading 0.53 -> 0.47 ms a
    tile, the same accuracy).
    """
    from platevision.features._hog import hog_batch

    coarse = (max(2, round(shape[0] * 0.75)), max(2, round(shape[1] * 0.75)))
    cell = (max(1, shape[0] // 8), max(1, shape[1] // 4))
    canonical = np.reshape([tile.canonical for tile in tiles], (len(tiles), *shape))
    inks = [resize_image(tile.ink, coarse).ravel() for tile in tiles]
    return np.concatenate(
        [
            np.reshape(inks, (len(tiles), coarse[0] * coarse[1])),
            hog_batch(canonical, pixels_per_cell=cell, cells_per_block=(2, 2)),
            np.reshape([tile.log_aspect for tile in tiles], (len(tiles), 1)),
        ],
        axis=1,
        dtype=np.float32,
    )
