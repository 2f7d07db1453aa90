"""Break, chip, scratch, dirty, hide or fade the ink of character tiles."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils import check_random_state

from platevision.utils._image import as_image_sequence, check_image

__all__ = ["DAMAGE_KINDS", "damage_characters"]

#: The kinds of damage :func:`damage_characters` draws.
DAMAGE_KINDS = ("occlusion", "chips", "scratches", "dirt", "fading")

# A tile whose darkest and lightest pixels differ by less than this is flat: no ink
# can be told from background (a light flat tile has no ink, a dark one is all ink).
_FLAT = 0.05
# Dirt lighter than this opacity is cut off: the mask is where dirt is, and pixels
# outside the mask stay exactly as they were.
_DIRT_MIN_ALPHA = 0.15
# Severity 1 destroys half of the ink: past that no character is recognisable, and
# on this scale severities 0.2 / 0.4 / 0.6 are light / clear / heavy damage.
INK_PER_SEVERITY = 0.5
_MAX_PRIMITIVES = {"occlusion": 4, "chips": 200, "scratches": 200, "dirt": 100}
_BISECTION_STEPS = 12

Draw = Callable[[float], np.ndarray]


def _check_kind(kind: Any) -> str:
    if not isinstance(kind, str) or kind not in DAMAGE_KINDS:
        valid = ", ".join(repr(k) for k in DAMAGE_KINDS)
        msg = f"kind must be one of {valid}; got {kind!r}."
        raise (ValueError if isinstance(kind, str) else TypeError)(msg)
    return kind


def _check_severity(severity: Any) -> float:
    if isinstance(severity, (bool, np.bool_)) or not isinstance(severity, Real):
        msg = (
            "severity must be a float in [0, 1]; got "
            f"{type(severity).__name__} {severity!r}."
        )
        raise TypeError(msg)
    value = float(severity)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        msg = f"severity must be a float in [0, 1]; got {severity!r}."
        raise ValueError(msg)
    return value


class _Tile:
    """One grey tile with its ink, levels and scale, as the damage sees it."""

    def __init__(self, image: np.ndarray) -> None:
        import cv2
        from skimage.filters import threshold_otsu

        self.image = image
        self.shape = image.shape
        low, high = float(image.min()), float(image.max())
        if high - low < _FLAT:
            self.ink = np.full(self.shape, low < 0.5)
            self.background = 1.0 if low < 0.5 else float(np.median(image))
        else:
            self.ink = image < threshold_otsu(image)
            self.background = float(np.median(image[~self.ink]))
        self.n_ink = int(self.ink.sum())
        self.ink_level = float(np.median(image[self.ink])) if self.n_ink else 0.0
        self.contrast = max(self.background - self.ink_level, _FLAT)
        light = image[~self.ink]
        mad = np.median(np.abs(light - np.median(light))) if light.size else 0.0
        self.noise = float(min(1.4826 * mad, 0.03))
        # Lengths scale with the tile: one unit is a pixel of a 20-pixel-wide tile.
        self.unit = min(self.shape) / 20.0
        if self.n_ink:
            depth = cv2.distanceTransform(
                np.pad(self.ink, 1).astype(np.uint8), cv2.DIST_L2, 5
            )[1:-1, 1:-1]
            # Mean depth of a stroke of width w is about w / 4 + 1 / 2 (pixel centres).
            self.stroke = float(
                np.clip(4.0 * depth[self.ink].mean() - 2.0, 1.0, min(self.shape))
            )
        else:
            self.stroke = 1.0
        rows, cols = np.indices(self.shape)
        self.points = np.stack([cols.ravel(), rows.ravel()], axis=1).astype(float)

    def fraction(self, mask: np.ndarray) -> float:
        return float(np.count_nonzero(mask & self.ink)) / self.n_ink

    def ink_point(self, rng: np.random.Generator, covered: np.ndarray) -> np.ndarray:
        """A random ink pixel (x, y) not covered yet, or any ink pixel."""
        candidates = np.flatnonzero((self.ink & ~covered).ravel())
        if candidates.size == 0:
            candidates = np.flatnonzero(self.ink.ravel())
        return self.points[rng.choice(candidates)].copy()


def _polygon(
    rng: np.random.Generator,
    radius: float,
    *,
    n_vertices: int,
    roughness: float,
    anisotropy: tuple[float, float],
) -> np.ndarray:
    """Offsets (x, y) of an irregular, star-shaped polygon around its centre."""
    angles = np.linspace(0.0, 2.0 * np.pi, n_vertices, endpoint=False)
    angles = angles + rng.uniform(-0.3, 0.3, n_vertices) * (2.0 * np.pi / n_vertices)
    radii = 1.0 + roughness * rng.uniform(-1.0, 1.0, n_vertices)
    radii = (radii + np.roll(radii, 1) + np.roll(radii, -1)) / 3.0  # smoother
    squash = rng.uniform(*anisotropy)
    offsets = np.stack([np.cos(angles), squash * np.sin(angles)], axis=1)
    offsets *= (radius * radii)[:, None]
    turn = rng.uniform(0.0, np.pi)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    return offsets @ rotation.T


def _fill(shape: tuple[int, ...], vertices: np.ndarray) -> np.ndarray:
    """Rasterise a polygon (x, y vertices, sub-pixel) into a float 0/1 array."""
    import cv2

    canvas = np.zeros(shape, dtype=np.uint8)
    points = np.round(vertices * 16.0).astype(np.int32)  # 4 fractional bits
    cv2.fillPoly(canvas, [points], 1, lineType=cv2.LINE_8, shift=4)
    return canvas.astype(np.float64)


def _accumulate(
    tile: _Tile,
    severity: float,
    propose: Callable[[np.ndarray], Draw],
    max_primitives: int,
) -> np.ndarray:
    """Add primitives until ``severity`` of the ink is covered; return the cover.

    ``propose(covered)`` returns ``draw(scale)``, the primitive's opacity at a size
    ``scale`` in [0, 1] (nested as the scale grows). The primitive that reaches
    ``severity`` is shrunk by bisection to land as close to it as the pixels allow.
    """
    cover = np.zeros(tile.shape)
    for _ in range(max_primitives):
        covered = cover > 0
        draw = propose(covered)
        full = np.maximum(cover, draw(1.0))
        if tile.fraction(full > 0) < severity:
            cover = full
            continue
        low, high = 0.0, 1.0
        low_fraction, high_fraction = tile.fraction(covered), tile.fraction(full > 0)
        for _ in range(_BISECTION_STEPS):
            middle = 0.5 * (low + high)
            fraction = tile.fraction(covered | (draw(middle) > 0))
            if fraction >= severity:
                high, high_fraction = middle, fraction
            else:
                low, low_fraction = middle, fraction
        best = high if high_fraction - severity <= severity - low_fraction else low
        return np.maximum(cover, draw(best)) if best > 0 else cover
    return cover


def _occlusion(tile: _Tile, severity: float, rng: np.random.Generator) -> tuple:
    n_rows, n_cols = tile.shape
    reach = 2.0 * (n_rows + n_cols)  # at scale 1 an occluder covers the whole tile

    def propose(covered: np.ndarray) -> Draw:
        # Centred on the ink or anywhere near the tile.
        if rng.uniform() < 0.5:
            centre = tile.ink_point(rng, covered)
        else:
            centre = rng.uniform([-0.2, -0.2], [1.2, 1.2]) * [n_cols, n_rows]
        if rng.uniform() < 0.5:  # a rectangle: a sticker, a bracket, a frame edge
            ratio = rng.uniform(0.3, 3.0)
            half = np.array([np.sqrt(ratio), 1.0 / np.sqrt(ratio)]) * reach
            corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
            turn = np.deg2rad(rng.uniform(-15.0, 15.0))
            rotation = np.array(
                [[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]
            )
            offsets = corners @ rotation.T
        else:  # an irregular blob: mud, paint, a bolt head
            offsets = _polygon(
                rng, reach, n_vertices=14, roughness=0.35, anisotropy=(0.5, 1.0)
            )
        return lambda scale: _fill(tile.shape, centre + scale * offsets)

    cover = _accumulate(tile, severity, propose, _MAX_PRIMITIVES["occlusion"])
    mask = cover > 0
    if rng.uniform() < 0.5:
        level = tile.background  # paint or a sticker: the ink is gone
    else:  # foreign dark matter: the ink is hidden in it
        level = tile.ink_level + rng.uniform(0.0, 0.35) * tile.contrast
    fill = level + rng.normal(0.0, tile.noise, tile.shape)
    return np.where(mask, fill, tile.image), mask


def _chips(tile: _Tile, severity: float, rng: np.random.Generator) -> tuple:
    def propose(covered: np.ndarray) -> Draw:
        centre = tile.ink_point(rng, covered) + rng.uniform(-0.5, 0.5, 2)
        radius = max(tile.stroke * rng.uniform(0.5, 1.0), 0.75)
        offsets = _polygon(
            rng, radius, n_vertices=9, roughness=0.4, anisotropy=(0.5, 1.0)
        )
        return lambda scale: _fill(tile.shape, centre + scale * offsets)

    cover = _accumulate(tile, severity, propose, _MAX_PRIMITIVES["chips"])
    mask = cover > 0
    fill = tile.background + rng.normal(0.0, tile.noise, tile.shape)
    return np.where(mask, fill, tile.image), mask


def _scratches(tile: _Tile, severity: float, rng: np.random.Generator) -> tuple:
    n_rows, n_cols = tile.shape
    diagonal = float(np.hypot(n_rows, n_cols))
    heading = rng.uniform(0.0, np.pi)  # scratches on a plate run roughly parallel

    def propose(covered: np.ndarray) -> Draw:
        through = tile.ink_point(rng, covered) + rng.uniform(-0.5, 0.5, 2)
        angle = heading + rng.normal(0.0, 0.25)
        direction = np.array([np.cos(angle), np.sin(angle)])
        normal = np.array([-direction[1], direction[0]])
        relative = tile.points - through
        if rng.uniform() < 0.4:  # an arc of a large circle, tangent at `through`
            radius = rng.uniform(1.5, 4.0) * diagonal
            centre = rng.choice([-1.0, 1.0]) * radius * normal
            offset = relative - centre
            distance = np.abs(np.hypot(offset[:, 0], offset[:, 1]) - radius)
            # Arc length from `through`, signed along `direction`.
            along = radius * np.arctan2(offset @ direction, -(offset @ centre) / radius)
        else:  # a straight line
            distance = np.abs(relative @ normal)
            along = relative @ direction
        width = max(rng.uniform(1.0, 2.0) * tile.unit, 1.0)
        line = ((distance <= 0.5 * width) & (np.abs(along) <= diagonal)).reshape(
            tile.shape
        )
        # The scratch grows from one end: a pixel joins at scale `position`.
        position = ((along + diagonal) / (2.0 * diagonal)).reshape(tile.shape)
        return lambda scale: (line & (position <= scale)).astype(np.float64)

    cover = _accumulate(tile, severity, propose, _MAX_PRIMITIVES["scratches"])
    mask = cover > 0
    fill = tile.background + rng.normal(0.0, tile.noise, tile.shape)
    return np.where(mask, fill, tile.image), mask


def _dirt(tile: _Tile, severity: float, rng: np.random.Generator) -> tuple:
    import cv2

    def propose(covered: np.ndarray) -> Draw:
        centre = tile.ink_point(rng, covered) + rng.normal(0.0, tile.stroke, 2)
        radius = max(rng.uniform(0.2, 0.4) * min(tile.shape), 0.75)
        offsets = _polygon(
            rng, radius, n_vertices=12, roughness=0.45, anisotropy=(0.4, 1.0)
        )
        opacity = rng.uniform(0.85, 1.0)
        softness = max(rng.uniform(0.4, 0.9) * tile.unit, 0.3)

        def draw(scale: float) -> np.ndarray:
            blob = _fill(tile.shape, centre + scale * offsets)
            alpha = opacity * cv2.GaussianBlur(blob, (0, 0), softness)
            alpha[alpha < _DIRT_MIN_ALPHA] = 0.0
            return alpha

        return draw

    alpha = _accumulate(tile, severity, propose, _MAX_PRIMITIVES["dirt"])
    mask = alpha > 0
    # Mud: much darker than the background, a little lighter than ink, mottled.
    level = tile.ink_level + rng.uniform(0.02, 0.15) * tile.contrast
    colour = level + rng.normal(0.0, 0.03, tile.shape)
    damaged = tile.image * (1.0 - alpha) + colour * alpha
    return np.where(mask, damaged, tile.image), mask


def _fading(tile: _Tile, severity: float, rng: np.random.Generator) -> tuple:
    import cv2

    n_rows, n_cols = tile.shape
    # A smooth random field: a few random values, interpolated over the tile.
    coarse = rng.normal(size=(int(rng.integers(2, 5)), int(rng.integers(2, 4))))
    field = cv2.resize(coarse, (n_cols, n_rows), interpolation=cv2.INTER_CUBIC)
    field = field + rng.normal(0.0, 0.05, tile.shape)  # patchy, not perfectly smooth
    spread = max(float(np.ptp(field)), 1e-12)
    slope = rng.uniform(1.5, 3.0) / spread
    # fade = 0.5 + (field - cut) * slope, clipped to [0, 1]: an ink pixel loses half
    # of the tile's contrast when fade * (background - value) >= contrast / 2, that
    # is when field >= cut + (needed - 0.5) / slope. Pick the cut so that
    # `severity` of the ink does.
    value = tile.image[tile.ink]
    headroom = np.maximum(tile.background - value, 1e-12)
    needed = 0.5 * tile.contrast / headroom
    threshold = field[tile.ink] + (0.5 - needed) / slope
    threshold = np.where(needed > 1.0, -np.inf, threshold)  # cannot lose half
    cut = float(np.quantile(threshold, 1.0 - severity, method="lower"))
    if severity >= 1.0:
        cut = float(threshold[np.isfinite(threshold)].min(initial=cut))
    fade = np.clip(0.5 + (field - cut) * slope, 0.0, 1.0)
    noise = rng.normal(0.0, rng.uniform(0.03, 0.08) * tile.contrast, tile.shape)
    damaged = tile.image + fade * (tile.background - tile.image) + fade * noise
    damaged = np.clip(damaged, 0.0, 1.0)
    mask = np.abs(damaged - tile.image) >= 0.5 * tile.contrast - 1e-9
    return damaged, mask


_DAMAGE = {
    "occlusion": _occlusion,
    "chips": _chips,
    "scratches": _scratches,
    "dirt": _dirt,
    "fading": _fading,
}


def damage_characters(
    images: Any,
    *,
    kind: str = "chips",
    severity: float = 0.4,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray | list[np.ndarray]]:
    """Damage the ink of character tiles: hide, chip, scratch, dirty or fade it.

    A model of broken plate characters. The ink of each tile (its dark side, found
    with Otsu's threshold) is damaged by primitives of one ``kind`` until about
    ``severity / 2`` of the ink pixels are destroyed, and a mask tells which
    pixels were.

    Parameters
    ----------
    images : sequence of (M, N[, C]) images, or (n_samples, M, N[, C]) ndarray
        Character tiles, dark ink on light, in the package's image convention (any
        supported dtype; colour is converted to grey). Never modified.
    kind : {'occlusion', 'chips', 'scratches', 'dirt', 'fading'}, default='chips'
        The damage (see Notes).
    severity : float, default=0.4
        How broken the characters are, in [0, 1]: a fraction ``severity / 2`` of
        each tile's ink pixels is destroyed (1 destroys half the ink, past which
        no character is recognisable). 0 returns the tiles unchanged (as float64)
        with empty masks.
    random_state : int, RandomState instance or None, default=None
        Seeds the damage; every tile gets its own draw. Pass an int for
        reproducible output.

    Returns
    -------
    damaged : (n_samples, M, N) ndarray of float64, or list of (M, N) ndarray
        The damaged tiles, grey, values in [0, 1]: stacked when all tiles have the
        same shape, a list otherwise.
    masks : (n_samples, M, N) ndarray of bool, or list of (M, N) ndarray
        True where a pixel was damaged: its true value is unknown to a reader.
        Stacked or listed as ``damaged``.

    Raises
    ------
    ValueError
        An unknown ``kind``, ``severity`` outside [0, 1], or images that break the
        package's image convention (empty, wrong dimensions, floats outside
        [0, 1], ...).
    TypeError
        A non-str ``kind``, a non-numeric ``severity``, an unsupported image
        dtype or container.

    See Also
    --------
    platevision.datasets.make_plate_characters : Synthetic tiles to damage.

    Notes
    -----
    Per tile, ink is the side of Otsu's threshold below it; the background and ink
    levels are the medians of either side. A flat tile (pixels within 0.05 of each
    other) has no ink if it is light, and is all ink on a white background if it is
    dark. A tile with no ink is returned unchanged with an empty mask.

    - ``'occlusion'``: one rectangle or irregular blob over part of the character,
      filled (at random per tile) with the background level (paint, a sticker:
      the ink is gone) or a dark colour (mud, a bolt: the ink is hidden). Mask:
      the occluder.
    - ``'chips'``: irregular bites, about a stroke wide, centred on ink pixels and
      filled with background. Mask: the bites.
    - ``'scratches'``: background-coloured lines and arcs, 1 to 2 pixels wide on a
      20-pixel-wide tile (scaled with the tile), roughly parallel. Mask: the lines.
    - ``'dirt'``: soft-edged, semi-opaque dark blobs darkening background and ink
      alike. Opacity below 0.15 is cut off, so the mask (where there is dirt)
      holds every changed pixel.
    - ``'fading'``: a smooth random field fades the ink towards the background,
      with noise where it fades. Mask: pixels that changed by at least half the
      tile's contrast (ink that lost half its contrast or more, and large noise).
      Unlike the other kinds, pixels outside this mask may change too: partly
      faded ink and small noise.

    Apart from ``'fading'``, pixels outside the mask are unchanged. Primitives
    are added until the masked fraction of ink reaches ``severity / 2``; the one
    that crosses it is shrunk by bisection, so each tile lands within a few ink
    pixels of it (on 32x20 tiles, typically within 0.02; averaged over tiles,
    within 0.05). The loop is bounded (200 chips or scratches, 100 dirt blobs).
    'fading' picks its fade threshold from the ink's quantiles instead; its noise
    moves the fraction by a few hundredths.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.datasets._damage import damage_characters
    >>> tile = np.ones((32, 20))
    >>> tile[4:28, 6:14] = 0.0  # a thick bar of ink
    >>> damaged, masks = damage_characters([tile], kind="chips", severity=0.6,
    ...                                    random_state=0)
    >>> damaged.shape, masks.dtype
    ((1, 32, 20), dtype('bool'))
    >>> ink = tile < 0.5
    >>> print(f"{(masks[0] & ink).sum() / ink.sum():.1f}")
    0.3
    >>> bool(np.all(damaged[0][~masks[0]] == tile[~masks[0]]))
    True
    """
    kind = _check_kind(kind)
    severity = _check_severity(severity)
    rng = check_random_state(random_state)
    items = as_image_sequence(images, name="images")
    tiles = [check_image(item, mode="grey", index=i) for i, item in enumerate(items)]
    seeds = rng.randint(0, 2**32 - 1, size=len(tiles), dtype=np.uint64)

    damaged: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    for image, seed in zip(tiles, seeds, strict=True):
        tile = _Tile(image) if severity > 0.0 else None
        if tile is None or tile.n_ink == 0:
            out, mask = image, np.zeros(image.shape, dtype=bool)
        else:
            out, mask = _DAMAGE[kind](
                tile, INK_PER_SEVERITY * severity, np.random.default_rng(seed)
            )
            out = np.clip(out, 0.0, 1.0)
        damaged.append(out)
        masks.append(mask)
    if len({image.shape for image in damaged}) == 1:
        return np.stack(damaged), np.stack(masks)
    return damaged, masks
