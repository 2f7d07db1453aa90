"""Synthetic licence-plate character tiles, from fonts the dependencies ship."""

from __future__ import annotations

import functools
import logging
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.utils import Bunch, check_random_state

from platevision.utils._validation import check_int

__all__ = ["make_plate_characters"]

logger = logging.getLogger("platevision")

_DEFAULT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Font names, as reported in ``fonts``. OpenCV 4 draws its Hershey stroke fonts
# (public domain); OpenCV 5 replaced them with its embedded Rubik (SIL OFL 1.1), which
# putText draws for every Hershey constant (SIMPLEX = COMPLEX, DUPLEX = TRIPLEX), so
# there we ask for Rubik by name at three weights instead.
_HERSHEY_FONTS = {
    "hershey_simplex": "FONT_HERSHEY_SIMPLEX",
    "hershey_duplex": "FONT_HERSHEY_DUPLEX",
    "hershey_complex": "FONT_HERSHEY_COMPLEX",
    "hershey_triplex": "FONT_HERSHEY_TRIPLEX",
}
_RUBIK_FONTS = {"rubik_regular": 400, "rubik_semibold": 600, "rubik_bold": 800}
_PIL_FONT = "aileron_regular"

# Geometry, as fractions of the tile, measured on real Brazilian plate tiles
# (shared/data/plates/characters): glyphs fill the tile up to a few pixels, bold
# strokes (about a sixth of the height), width/height about 0.55-0.8.
_STROKE = (0.18, 0.27)  # stroke width / cap height, before horizontal condensing
_ASPECT = (0.55, 0.78)  # width / height of a full-width character
_ROTATION_DEG = 3.0
_SHEAR = 0.08
_RENDER_CAP_MIN = 64  # cap height of the cached high-resolution glyphs, in pixels


def _check_alphabet(alphabet: Any) -> str:
    if not isinstance(alphabet, str):
        msg = (
            "alphabet must be a str of printable, non-space ASCII characters; got "
            f"{type(alphabet).__name__} {alphabet!r}."
        )
        raise TypeError(msg)
    if len(alphabet) == 0:
        msg = "alphabet must contain at least one character; got ''."
        raise ValueError(msg)
    bad = sorted({c for c in alphabet if not 33 <= ord(c) <= 126})
    if bad:
        msg = (
            "alphabet must contain only printable, non-space ASCII characters "
            f"('!' to '~'); got {alphabet!r}, which contains {bad!r}."
        )
        raise ValueError(msg)
    repeated = sorted({c for c in alphabet if alphabet.count(c) > 1})
    if repeated:
        msg = (
            f"alphabet must not repeat characters; got {alphabet!r}, which repeats "
            f"{repeated!r}."
        )
        raise ValueError(msg)
    return alphabet


def _check_image_shape(image_shape: Any, minimum: int = 8) -> tuple[int, int]:
    expected = f"image_shape must be a pair of ints (rows, columns), each >= {minimum}"
    try:
        items = tuple(image_shape)
    except TypeError:
        items = None
    if items is None or len(items) != 2:
        msg = f"{expected}; got {image_shape!r}."
        raise (TypeError if items is None else ValueError)(msg)
    for value in items:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
            msg = (
                f"{expected}; got {image_shape!r}, which holds "
                f"{type(value).__name__} {value!r}."
            )
            raise TypeError(msg)
        if value < minimum:
            msg = f"{expected}; got {image_shape!r}."
            raise ValueError(msg)
    return int(items[0]), int(items[1])


def _check_return_X_y(return_X_y: Any) -> None:
    if not isinstance(return_X_y, (bool, np.bool_)):
        msg = (
            "return_X_y must be a bool; got "
            f"{type(return_X_y).__name__} {return_X_y!r}."
        )
        raise TypeError(msg)


@functools.lru_cache(maxsize=1)
def _available_fonts() -> tuple[str, ...]:
    import cv2
    from PIL import ImageFont

    opencv = tuple(_RUBIK_FONTS if hasattr(cv2, "FontFace") else _HERSHEY_FONTS)
    if isinstance(ImageFont.load_default(size=20), ImageFont.FreeTypeFont):
        return (*opencv, _PIL_FONT)
    # Pillow built without FreeType has no scalable default font.
    logger.warning(
        "Pillow has no FreeType support: synthetic characters use OpenCV's fonts only."
    )
    return opencv


def _render(font: str, text: str, cap: int) -> np.ndarray:
    """Render ``text`` white on black, baseline at row ``2 * cap``, as uint8."""
    size = (3 * cap, 3 * cap)  # rows, columns
    origin = (cap // 2, 2 * cap)  # x, y of the baseline's start
    canvas = np.zeros(size, dtype=np.uint8)
    if font in _HERSHEY_FONTS:
        import cv2

        face = getattr(cv2, _HERSHEY_FONTS[font])
        # Hershey capitals are 21 units high at scale 1.
        thickness = max(1, round(0.03 * cap))
        cv2.putText(canvas, text, origin, face, cap / 21.0, 255, thickness, cv2.LINE_AA)
        return canvas
    if font in _RUBIK_FONTS:
        import cv2

        # Rubik's capitals are 0.70 of its size in pixels.
        cv2.putText(
            canvas,
            text,
            origin,
            255,
            cv2.FontFace("sans"),
            round(cap / 0.70),
            _RUBIK_FONTS[font],
        )
        return canvas
    from PIL import Image, ImageDraw, ImageFont

    # Aileron's capitals are 0.70 of its em size.
    pil_font = ImageFont.load_default(size=round(cap / 0.70))
    image = Image.new("L", (size[1], size[0]), 0)
    ImageDraw.Draw(image).text(origin, text, fill=255, font=pil_font, anchor="ls")
    return np.asarray(image)


def _unslash(ink: np.ndarray) -> np.ndarray:
    """Remove the slash of a slashed zero: keep a ring of the outline's width."""
    import cv2

    n_labels, labels = cv2.connectedComponents((~ink).astype(np.uint8), connectivity=4)
    border = np.unique(
        np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    )
    holes = np.isin(labels, np.setdiff1d(np.arange(n_labels), border)) & ~ink
    if n_labels - border.size < 2:  # one counter or none: not slashed
        return ink
    filled = (ink | holes).astype(np.uint8)
    depth = cv2.distanceTransform(filled, cv2.DIST_L2, 5)
    inside = cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 5)
    # The ring's width: twice the deepest ink pixel on the outline's thickest part.
    width = 2.0 * float(np.percentile(inside[ink], 99))
    return (depth > 0) & (depth <= width)


def _extent(mask: np.ndarray, axis: int) -> tuple[int, int]:
    hits = np.flatnonzero(mask.any(axis=axis))
    return int(hits[0]), int(hits[-1])


@functools.lru_cache(maxsize=2048)
def _glyph(font: str, char: str, cap: int) -> tuple[np.ndarray, tuple, float]:
    """Signed distance to one glyph's outline, around its frame.

    Returns the signed distance (negative inside the ink, in high-resolution
    pixels) cropped with room to embolden, the frame (row0, row1, col0, col1) in
    the crop (the ink's columns; rows spanning the ink and the capital height, so
    that '-' stays a bar in the middle and lower-case letters keep their size) and
    the glyph's own stroke width.
    """
    import cv2

    ink = _render(font, char, cap) >= 128
    if char == "0":
        # Plates have no slashed zero; OpenCV 5's Rubik has one.
        ink = _unslash(ink)
    capital = _render(font, "H", cap) >= 128
    if not ink.any():  # pragma: no cover - every printable ASCII glyph has ink
        ink = capital
    r0, r1 = _extent(ink, axis=1)
    c0, c1 = _extent(ink, axis=0)
    h0, h1 = _extent(capital, axis=1)
    r0, r1 = min(r0, h0), max(r1, h1)
    pad = int(np.ceil(0.2 * cap)) + 4
    rows = slice(max(r0 - pad, 0), r1 + pad + 1)
    cols = slice(max(c0 - pad, 0), c1 + pad + 1)
    ink_u8 = ink.astype(np.uint8)
    outside = cv2.distanceTransform(1 - ink_u8, cv2.DIST_L2, 5)
    inside = cv2.distanceTransform(ink_u8, cv2.DIST_L2, 5)
    signed = (outside - inside)[rows, cols].astype(np.float32)
    frame = (r0 - rows.start, r1 - rows.start, c0 - cols.start, c1 - cols.start)
    # A stroke of width w has a mean inner distance of about w / 4.
    stroke = float(4.0 * inside[ink].mean())
    return signed, frame, stroke


def _tile(
    signed: np.ndarray,
    frame: tuple,
    stroke: float,
    cap: int,
    shape: tuple[int, int],
    p: dict[str, float],
    edge_noise: np.ndarray,
    pixel_noise: np.ndarray,
) -> np.ndarray:
    """Draw one glyph into an ``shape`` tile with the sample's parameters ``p``."""
    import cv2

    n_rows, n_cols = shape
    r0, r1, c0, c1 = frame
    natural = (c1 - c0 + 1) / (r1 - r0 + 1)
    aspect = min(natural * p["condense"], p["aspect"])
    # Embolden (or thin) the glyph by moving its outline: r > 0 grows the ink.
    # Condensing thins vertical strokes: compensate half of it (in log scale).
    target = p["stroke"] * cap / np.sqrt(aspect / natural)
    r = max(0.5 * (target - stroke), 1.0 - 0.5 * stroke)  # keep 2 pixels at least
    frame_h = r1 - r0 + 1 + 2 * r
    frame_w = c1 - c0 + 1 + 2 * r
    height = n_rows - p["top"] - p["bottom"]
    aspect = min(frame_w / frame_h * p["condense"], p["aspect"])
    width = min(aspect * height, n_cols - p["left"] - p["right"])
    sx, sy = width / frame_w, height / frame_h
    # One output pixel of soft edge: the downsampling needs no extra blur.
    soft = 1.0 / min(sx, sy)
    alpha_hr = np.clip((r - signed) / soft + 0.5, 0.0, 1.0)
    theta = np.deg2rad(p["rotation"])
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    linear = rot @ np.array([[1.0, p["shear"]], [0.0, 1.0]]) @ np.diag([sx, sy])
    centre_in = np.array([(c0 + c1) / 2.0, (r0 + r1) / 2.0])
    centre_out = np.array(
        [
            p["left"] + (n_cols - p["left"] - p["right"]) / 2.0 - 0.5 + p["dx"],
            p["top"] + height / 2.0 - 0.5 + p["dy"],
        ]
    )
    matrix = np.hstack([linear, (centre_out - linear @ centre_in)[:, None]])
    alpha = cv2.warpAffine(
        alpha_hr,
        matrix,
        (n_cols, n_rows),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0.0,
    ).astype(np.float64)
    # Ragged, binarised-looking edges: jitter the coverage, then sharpen it.
    edge = 4.0 * alpha * (1.0 - alpha)  # 1 on the outline, 0 inside and outside
    alpha = np.clip((alpha + edge * edge_noise - 0.5) * p["sharpness"] + 0.5, 0, 1)
    image = p["background"] + (p["ink"] - p["background"]) * alpha
    if p["blur"] > 0:
        image = cv2.GaussianBlur(image, (0, 0), p["blur"])
    image = image + pixel_noise
    return np.clip(image, 0.0, 1.0)


def make_plate_characters(
    n_per_class: int = 10,
    *,
    alphabet: str = _DEFAULT_ALPHABET,
    image_shape: tuple[int, int] = (32, 20),
    random_state: int | np.random.RandomState | None = None,
    return_X_y: bool = False,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Make synthetic licence-plate character tiles, dark ink on light.

    Each character is rendered large in one of the fonts below, cut to the glyph,
    then drawn into a fixed-size tile with its own stroke weight, horizontal
    condensing, small rotation and shear, margins, position jitter, ragged edges,
    blur, contrast and noise, so that the tiles look like characters cut out of
    real plates (tall, narrow, bold, tightly cropped, nearly binary).

    Parameters
    ----------
    n_per_class : int, default=10
        Number of tiles per character of ``alphabet``.
    alphabet : str, default='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
        The classes, one character each: printable, non-space ASCII, no repeats.
    image_shape : tuple of int, default=(32, 20)
        Rows and columns of every tile, each at least 8.
    random_state : int, RandomState instance or None, default=None
        Seeds fonts and every variation; pass an int for reproducible tiles.
    return_X_y : bool, default=False
        If True, return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : (n_samples, M, N) ndarray of float64
            The tiles, values in [0, 1]: ink near 0, background near 1.
            ``n_samples = n_per_class * len(alphabet)``, ordered by class.
        target : (n_samples,) ndarray of str
            The character of each tile.
        fonts : (n_samples,) ndarray of str
            The font of each tile (see Notes): ``'rubik_regular'``,
            ``'rubik_semibold'``, ``'rubik_bold'`` (OpenCV 5) or
            ``'hershey_simplex'``, ``'hershey_duplex'``, ``'hershey_complex'``,
            ``'hershey_triplex'`` (OpenCV 4), and ``'aileron_regular'``.
        DESCR : str
            Description of the data set.

    (images, target) : tuple of ndarray
        Returned instead when ``return_X_y`` is True.

    Raises
    ------
    TypeError
        An argument of the wrong type (``alphabet`` not a str, a non-integer
        ``n_per_class`` or ``image_shape`` entry, a non-bool ``return_X_y``).
    ValueError
        ``n_per_class < 1``, an empty ``alphabet`` or one with spaces,
        non-ASCII, non-printable or repeated characters, ``image_shape`` not two
        values of at least 8, or an invalid ``random_state``.

    See Also
    --------
    platevision.datasets.damage_characters : Break, chip, dirty or hide the ink.

    Notes
    -----
    Fonts, all shipped with the run-time dependencies under licences that allow
    it, drawn uniformly at random per tile:

    - OpenCV's built-in fonts. OpenCV 4 draws its Hershey stroke fonts
      (``cv2.putText`` with ``FONT_HERSHEY_SIMPLEX``, ``DUPLEX``, ``COMPLEX``,
      ``TRIPLEX``; public-domain Hershey data). OpenCV 5 replaced them with its
      embedded Rubik font (SIL Open Font License 1.1) and draws Rubik for every
      Hershey constant, so there Rubik is drawn by name (``cv2.FontFace('sans')``)
      at weights 400, 600 and 800. Rubik's slashed zero is drawn without its
      slash, as on plates.
    - Pillow's built-in ``PIL.ImageFont.load_default(size=...)``, Aileron Regular
      (CC0). If Pillow lacks FreeType, only OpenCV's fonts are used and a warning
      is logged.

    The tiles therefore depend on the installed OpenCV major version; for a given
    environment they are deterministic for a given ``random_state``. OpenCV is
    imported on the first call, not at import.

    Per tile, on a 32x20 tile (lengths scale with ``image_shape``): stroke width
    18-27 % of the character height before condensing, width/height 0.55-0.78
    (narrower glyphs such as '1' and 'I' keep their own width, centred in the
    tile), rotation within +-3 degrees, shear within +-0.08, margins of 0-3.5
    pixels at the top, 0-2 at the bottom and 0-1 at each side (as measured on
    real Brazilian plate tiles), jitter of up to 0.75 pixel, ragged edges, ink
    level 0-0.1, background 0.92-1, blur of sigma 0.3-0.6 pixel on a third of
    the tiles and Gaussian noise of sigma up to 0.02. Glyphs are scaled so that
    capitals fill the tile height; other characters keep their size relative to
    capitals (a '-' is a bar in the middle).

    Examples
    --------
    >>> from platevision.datasets._synthetic import make_plate_characters
    >>> chars = make_plate_characters(2, alphabet="AB7", random_state=0)
    >>> chars.images.shape, chars.images.dtype
    ((6, 32, 20), dtype('float64'))
    >>> chars.target.tolist()
    ['A', 'A', 'B', 'B', '7', '7']
    >>> bool(chars.images.min() >= 0.0 and chars.images.max() <= 1.0)
    True
    >>> X, y = make_plate_characters(1, image_shape=(40, 24), return_X_y=True)
    >>> X.shape, y.shape
    ((36, 40, 24), (36,))
    """
    n_per_class = check_int(n_per_class, "n_per_class", 1)
    alphabet = _check_alphabet(alphabet)
    shape = _check_image_shape(image_shape)
    _check_return_X_y(return_X_y)
    rng = check_random_state(random_state)

    n_rows, n_cols = shape
    n_samples = n_per_class * len(alphabet)
    fonts = _available_fonts()
    cap = max(_RENDER_CAP_MIN, 2 * n_rows)
    target = np.repeat(np.array(list(alphabet)), n_per_class)
    font_index = rng.randint(len(fonts), size=n_samples)
    unit_y, unit_x = n_rows / 32.0, n_cols / 20.0  # pixel sizes of a 32x20 tile
    blurred = rng.uniform(size=n_samples) < 1.0 / 3.0
    params = {
        "stroke": rng.uniform(*_STROKE, size=n_samples),
        "aspect": rng.uniform(*_ASPECT, size=n_samples),
        "condense": rng.uniform(0.85, 1.0, size=n_samples),
        "rotation": rng.uniform(-_ROTATION_DEG, _ROTATION_DEG, size=n_samples),
        "shear": rng.uniform(-_SHEAR, _SHEAR, size=n_samples),
        "top": rng.uniform(0.0, 3.5, size=n_samples) * unit_y,
        "bottom": rng.uniform(0.0, 2.0, size=n_samples) * unit_y,
        "left": rng.uniform(0.0, 1.0, size=n_samples) * unit_x,
        "right": rng.uniform(0.0, 1.0, size=n_samples) * unit_x,
        "dx": rng.uniform(-unit_x, unit_x, size=n_samples) * 0.75,
        "dy": rng.uniform(-unit_y, unit_y, size=n_samples) * 0.75,
        "sharpness": rng.uniform(3.0, 6.0, size=n_samples),
        "ink": rng.uniform(0.0, 0.1, size=n_samples),
        "background": rng.uniform(0.92, 1.0, size=n_samples),
        "blur": np.where(blurred, rng.uniform(0.3, 0.6, size=n_samples), 0.0)
        * min(unit_x, unit_y),
        "noise": rng.uniform(0.0, 0.02, size=n_samples),
        "edge": rng.uniform(0.05, 0.2, size=n_samples),
    }
    edge_noise = rng.standard_normal((n_samples, n_rows, n_cols))
    pixel_noise = rng.standard_normal((n_samples, n_rows, n_cols))

    images = np.empty((n_samples, n_rows, n_cols), dtype=np.float64)
    for i in range(n_samples):
        p = {key: float(values[i]) for key, values in params.items()}
        signed, frame, stroke = _glyph(fonts[font_index[i]], target[i], cap)
        images[i] = _tile(
            signed,
            frame,
            stroke,
            cap,
            shape,
            p,
            edge_noise[i] * p["edge"],
            pixel_noise[i] * p["noise"],
        )
    font_names = np.array(fonts)[font_index]
    if return_X_y:
        return images, target
    descr = (
        "Synthetic licence-plate characters\n"
        "==================================\n\n"
        f"{n_samples} tiles of {n_rows}x{n_cols} pixels, {n_per_class} per "
        f"character of {alphabet!r}: dark ink on a light background, float64 in "
        f"[0, 1]. Rendered with the fonts {', '.join(fonts)} (OpenCV's built-in "
        "fonts and Pillow's Aileron Regular, CC0), then emboldened, condensed, "
        "rotated, sheared, "
        "jittered, blurred and noised per tile to resemble characters cut from "
        "real plates. Made by platevision.datasets.make_plate_characters.\n"
    )
    return Bunch(images=images, target=target, fonts=font_names, DESCR=descr)
