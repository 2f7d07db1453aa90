"""Synthetic photos of licence plates, made from the synthetic characters."""

from __future__ import annotations

import string

import numpy as np
from sklearn.utils import Bunch, check_random_state

from platevision.datasets._synthetic import (
    _check_image_shape,
    _check_return_X_y,
    make_plate_characters,
)
from platevision.utils._validation import check_int

__all__ = ["make_plates"]


def _text(pattern: str, rng: np.random.RandomState) -> str:
    out = []
    for token in pattern:
        if token == "L":
            out.append(string.ascii_uppercase[rng.randint(26)])
        elif token == "D":
            out.append(string.digits[rng.randint(10)])
        elif token == "?":
            pool = string.ascii_uppercase + string.digits
            out.append(pool[rng.randint(len(pool))])
        else:
            out.append(token.upper())
    return "".join(out)


def make_plates(
    n_samples: int = 20,
    *,
    pattern: str = "LLLDDDD",
    image_shape: tuple[int, int] = (240, 320),
    random_state: int | np.random.RandomState | None = None,
    return_X_y: bool = False,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Make synthetic grey photos of licence plates, with their text and box.

    Each photo is a smooth, noisy background (a car's body) with one light plate
    framed in dark, its characters drawn by :func:`make_plate_characters` (dark
    ink, one tile per character, side by side), at a random size and place and
    under a random brightness and contrast. Good for trying
    :class:`~platevision.reader.PlateReader` and for tests; real photos are
    harder.

    Parameters
    ----------
    n_samples : int, default=20
        Number of photos.
    pattern : str, default='LLLDDDD'
        The plates' syntax: ``L`` a random letter, ``D`` a random digit, ``?``
        either, any other character itself. A character that is neither a
        letter nor a digit is a separator, in the text and on the plate: a
        space is a gap half a character wide, any other a dash that wide.
    image_shape : tuple of int, default=(240, 320)
        Rows and columns of every photo, each at least 64.
    random_state : int, RandomState instance or None, default=None
        Seeds everything; pass an int for reproducible photos.
    return_X_y : bool, default=False
        If True, return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With ``images`` ((n_samples, M, N) float64 in [0, 1]), ``target`` (the
        plate texts, str), ``boxes`` ((n_samples, 4) int: x, y, width, height of
        each plate, as in :func:`load_plates`) and ``DESCR``.
    (images, target) : tuple of ndarray
        When ``return_X_y`` is True.

    Examples
    --------
    >>> from platevision.datasets import make_plates
    >>> plates = make_plates(3, pattern="LLDDLLL", random_state=0)
    >>> plates.images.shape, plates.boxes.shape
    ((3, 240, 320), (3, 4))
    >>> [len(text) for text in plates.target]
    [7, 7, 7]
    """
    import cv2

    n_samples = check_int(n_samples, "n_samples", 1)
    if not isinstance(pattern, str) or not any(c.isalnum() for c in pattern):
        msg = f"pattern must be a str with a letter or digit; got {pattern!r}."
        raise ValueError(msg)
    odd = sorted({c for c in pattern if not 32 <= ord(c) <= 126})
    if odd:
        msg = (
            "pattern must hold printable ASCII characters only (the characters "
            f"are drawn from make_plate_characters' font); got {pattern!r}, which "
            f"holds {odd!r}."
        )
        raise ValueError(msg)
    n_rows, n_cols = _check_image_shape(image_shape, minimum=64)
    _check_return_X_y(return_X_y)
    # The narrowest plate: characters 4 pixels wide (separators 2) with gaps of
    # 1, and margins of 1.
    narrowest = sum(4 if c.isalnum() else 2 for c in pattern) + len(pattern) + 1
    if narrowest > n_cols - 4:
        msg = (
            f"pattern {pattern!r} ({len(pattern)} characters) does not fit in a "
            f"photo {n_cols} pixels wide (image_shape {image_shape!r}): even with "
            f"characters 4 pixels high its plate needs {narrowest + 4}."
        )
        raise ValueError(msg)
    rng = check_random_state(random_state)
    texts = [_text(pattern, rng) for _ in range(n_samples)]
    alphabet = "".join(sorted({c for c in "".join(texts) if c.isalnum()}))
    pool_images, pool_target = make_plate_characters(
        max(2, n_samples // 4 + 1),
        alphabet=alphabet,
        image_shape=(40, 24),
        random_state=rng,
        return_X_y=True,
    )
    by_char: dict[str, np.ndarray] = {
        c: np.flatnonzero(pool_target == c) for c in alphabet
    }
    images = np.empty((n_samples, n_rows, n_cols), dtype=np.float64)
    boxes = np.empty((n_samples, 4), dtype=np.int64)
    for i, text in enumerate(texts):
        # Background: smooth shading and noise.
        low = rng.uniform(0.1, 0.8, size=(4, 4))
        photo = cv2.resize(low, (n_cols, n_rows), interpolation=cv2.INTER_CUBIC)
        photo += rng.normal(0, 0.03, size=(n_rows, n_cols))
        # The plate's characters, at a random height.
        char_h = int(rng.uniform(0.1, 0.18) * n_rows)
        spacing = rng.uniform(0.08, 0.2)
        while True:  # characters as tall as the photo's width lets them be
            char_w = max(4, int(round(char_h * 0.6)))
            gap = max(1, int(round(char_h * spacing)))
            margin_x, margin_y = int(0.4 * char_h), int(0.35 * char_h)
            widths = [char_w if c.isalnum() else max(2, char_w // 2) for c in text]
            plate_w = sum(widths) + (len(text) - 1) * gap + 2 * margin_x
            if plate_w <= n_cols - 4 or char_h <= 4:
                break
            char_h -= 1
        plate_h = char_h + 2 * margin_y
        plate_w, plate_h = min(plate_w, n_cols - 4), min(plate_h, n_rows - 4)
        x = int(rng.randint(2, n_cols - plate_w - 1))
        y = int(rng.randint(2, n_rows - plate_h - 1))
        paper = rng.uniform(0.8, 1.0)
        photo[y : y + plate_h, x : x + plate_w] = paper
        frame = max(1, char_h // 12)
        photo[y : y + frame, x : x + plate_w] = 0.2
        photo[y + plate_h - frame : y + plate_h, x : x + plate_w] = 0.2
        photo[y : y + plate_h, x : x + frame] = 0.2
        photo[y : y + plate_h, x + plate_w - frame : x + plate_w] = 0.2
        cx = x + margin_x
        for char, width in zip(text, widths, strict=True):
            if not char.isalnum():
                if not char.isspace():  # a dash, at mid height
                    bar = max(1, char_h // 10)
                    top = y + margin_y + (char_h - bar) // 2
                    right = min(cx + width, x + plate_w - frame)
                    photo[top : top + bar, cx:right] = 0.05
                cx += width + gap
                continue
            tile = pool_images[by_char[char][rng.randint(len(by_char[char]))]]
            tile = cv2.resize(tile, (char_w, char_h), interpolation=cv2.INTER_AREA)
            tile = paper - (1.0 - tile) * (paper - 0.05)
            right = min(cx + char_w, x + plate_w - frame)
            photo[y + margin_y : y + margin_y + char_h, cx:right] = tile[
                :, : right - cx
            ]
            cx += char_w + gap
        contrast, brightness = rng.uniform(0.6, 1.0), rng.uniform(-0.1, 0.1)
        photo = (photo - 0.5) * contrast + 0.5 + brightness
        images[i] = np.clip(photo, 0.0, 1.0)
        boxes[i] = (x, y, plate_w, plate_h)
    target = np.array(texts)
    if return_X_y:
        return images, target
    descr = (
        "Synthetic licence-plate photos\n"
        "==============================\n\n"
        f"{n_samples} grey photos of {n_rows}x{n_cols} pixels, one plate each, "
        f"texts of the pattern {pattern!r}, characters from "
        "platevision.datasets.make_plate_characters. Made by "
        "platevision.datasets.make_plates.\n"
    )
    return Bunch(images=images, target=target, boxes=boxes, DESCR=descr)
