"""Synthetic tiles for the characters a reader's training photos seldom show.

A reader learns its characters from the tiles cut out of its training photos,
and a region's photos show some characters seldom or never (in the OpenALPR
Brazilian photos, ``E`` twice in 114 plates). Each character the patterns
allow that has fewer than ``minimum`` tiles is topped up with synthetic tiles
of the package's fonts (:func:`~platevision.datasets.make_plate_characters`),
cut to their ink as the reader cuts a character from a photo.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from platevision.reader._patterns import PlatePattern

__all__ = ["allowed_characters", "rare_character_tiles"]

_ALPHANUMERIC = frozenset(string.ascii_uppercase + string.digits)


def allowed_characters(patterns: Sequence[PlatePattern]) -> frozenset[str]:
    """The letters and digits that some position of ``patterns`` allows (all
    of them for a regular expression or a position that allows any)."""
    allowed: set[str] = set()
    for pattern in patterns:
        if pattern.positions is None or pattern.regex is not None:
            return _ALPHANUMERIC
        for position in pattern.positions:
            if position is None:
                return _ALPHANUMERIC
            allowed |= position & _ALPHANUMERIC
    return frozenset(allowed)


def _cut_to_ink(tile: np.ndarray) -> np.ndarray:
    """A dark-on-light tile cut to the box of its ink (darker than Otsu's
    threshold) with one pixel of margin, as the reader cuts characters."""
    import cv2

    grey = np.clip(np.rint(tile * 255.0), 0, 255).astype(np.uint8)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows, cols = np.nonzero(ink)
    if rows.size == 0:
        return tile
    y0, y1 = max(int(rows.min()) - 1, 0), min(int(rows.max()) + 2, tile.shape[0])
    x0, x1 = max(int(cols.min()) - 1, 0), min(int(cols.max()) + 2, tile.shape[1])
    return tile[y0:y1, x0:x1]


def rare_character_tiles(
    labels: Iterable[str],
    allowed: Iterable[str],
    minimum: int,
    random_state: int,
) -> tuple[list[np.ndarray], list[str]]:
    """Synthetic tiles that bring each allowed character to ``minimum`` tiles.

    Parameters
    ----------
    labels : iterable of str
        The characters of the tiles cut from the training photos.
    allowed : iterable of str
        The characters that may be read.
    minimum : int
        Tiles each allowed character should have; 0 adds none.
    random_state : int
        Seeds the synthetic tiles.

    Returns
    -------
    tiles : list of (M, N) ndarray of float
        Dark characters on a light ground, in [0, 1], cut to their ink.
    characters : list of str
        The character of each tile, sorted.

    Examples
    --------
    >>> from platevision.reader._rare import rare_character_tiles
    >>> tiles, chars = rare_character_tiles("AAB", "AB", 2, random_state=0)
    >>> chars
    ['B']
    """
    from platevision.datasets import make_plate_characters

    counts = Counter(labels)
    need = {c: minimum - counts[c] for c in sorted(set(allowed)) if counts[c] < minimum}
    if not need:
        return [], []
    images, target = make_plate_characters(
        max(need.values()),
        alphabet="".join(need),
        random_state=random_state,
        return_X_y=True,
    )
    tiles: list[np.ndarray] = []
    characters: list[str] = []
    for char, n in need.items():
        chosen = images[target == char][:n]
        tiles.extend(_cut_to_ink(image) for image in chosen)
        characters.extend([char] * len(chosen))
    return tiles, characters
