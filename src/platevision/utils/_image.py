"""The one place where images enter platevision.

Every estimator and transformer takes ``X`` as a sequence of images: a list of 2-D
(grey) or 3-D ``(M, N, C)`` colour arrays (channels last, RGB or RGBA) of any size
and of dtype uint8, uint16, bool or float in [0, 1], or a stacked ndarray
``(n_samples, M, N[, C])``, or file paths. Inside, an image is a float64 array in
[0, 1], grey ``(M, N)`` or RGB ``(M, N, 3)`` as the step needs. The caller's arrays
are never modified.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from platevision.exceptions import ImageReadError

__all__ = ["check_image", "check_images", "read_image", "resize_image"]

Mode = Literal["grey", "rgb"] | None
_MODES = ("grey", "rgb", None)
# Luminance weights of ITU-R BT.709, as skimage.color.rgb2gray uses.
_GREY_WEIGHTS = np.array([0.2125, 0.7154, 0.0721])


def _describe(index: int | None, item: Any = None) -> str:
    """Name an item of X in an error message: its file path, or its index."""
    if isinstance(item, (str, os.PathLike)):
        return f"image file {os.fspath(item)!r}" + (
            f" (X[{index}])" if index is not None else ""
        )
    if index is None:
        return "image"
    return f"X[{index}]"


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file into an array, as it is stored.

    The file is read with Pillow. EXIF orientation is applied, palette and
    grey-with-alpha images become RGB or RGBA, 16-bit grey stays uint16. Nothing is
    written anywhere.

    Parameters
    ----------
    path : str or path-like
        The image file.

    Returns
    -------
    image : (M, N[, C]) ndarray
        uint8, uint16, bool or float32 (Pillow's ``F`` mode), grey or with 3 or 4
        channels last.

    Raises
    ------
    ImageReadError
        The file does not exist, is not an image Pillow can read, is truncated, or is
        larger than Pillow's decompression-bomb limit (``PIL.Image.MAX_IMAGE_PIXELS``).

    Examples
    --------
    >>> import numpy as np
    >>> from PIL import Image
    >>> from platevision.utils import read_image
    >>> path = getfixture("tmp_path") / "tile.png"
    >>> Image.fromarray(np.full((4, 3), 200, dtype=np.uint8)).save(path)
    >>> image = read_image(path)
    >>> image.shape, image.dtype
    ((4, 3), dtype('uint8'))
    """
    from PIL import Image, ImageOps

    name = os.fspath(path)
    if not os.path.exists(name):
        msg = f"image file {name!r} does not exist."
        raise ImageReadError(msg)
    if os.path.isdir(name):
        msg = f"image file {name!r} is a directory; expected an image file."
        raise ImageReadError(msg)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its limit: we refuse from 1x.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(name) as opened:
                opened.load()
                image = _pil_to_array(ImageOps.exif_transpose(opened))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        msg = (
            f"image file {name!r} is too large to read safely: {err} "
            "Raise PIL.Image.MAX_IMAGE_PIXELS if you trust this file."
        )
        raise ImageReadError(msg) from err
    except OSError as err:  # UnidentifiedImageError and truncated files
        msg = f"image file {name!r} could not be read as an image: {err}"
        raise ImageReadError(msg) from err
    except (ValueError, SyntaxError) as err:  # malformed headers in some plugins
        msg = f"image file {name!r} is not a valid image: {err}"
        raise ImageReadError(msg) from err
    return image


def _pil_to_array(pil: Any) -> np.ndarray:
    mode = pil.mode
    if mode in ("1", "L", "RGB", "RGBA", "F", "I;16"):
        return np.asarray(pil)
    if mode.startswith("I;16"):
        return np.asarray(pil.convert("I;16"))
    if mode == "I":
        array = np.asarray(pil)
        if array.size and (array.min() < 0 or array.max() > 65535):
            msg = "32-bit integer pixels outside 0-65535"
            raise ValueError(msg)
        return array.astype(np.uint16)
    has_alpha = "A" in mode or "transparency" in pil.info
    return np.asarray(pil.convert("RGBA" if has_alpha else "RGB"))


def _to_float(image: np.ndarray, where: str) -> np.ndarray:
    """Scale to float64 in [0, 1] by dtype; reject what has no safe meaning."""
    dtype = image.dtype
    if dtype == np.bool_:
        return image.astype(np.float64)
    if dtype == np.uint8:
        return image.astype(np.float64) / 255.0
    if dtype == np.uint16:
        return image.astype(np.float64) / 65535.0
    if np.issubdtype(dtype, np.floating):
        out = image.astype(np.float64)  # always a copy: the input stays untouched
        if not np.all(np.isfinite(out)):
            msg = f"{where} contains NaN or infinity; expected finite values in [0, 1]."
            raise ValueError(msg)
        low, high = out.min(), out.max()
        if low < 0.0 or high > 1.0:
            msg = (
                f"{where} is a float image with values in [{low:g}, {high:g}]; "
                "expected floats in [0, 1]. Divide by 255 for 0-255 data, or pass "
                "it as uint8."
            )
            raise ValueError(msg)
        return out
    if np.issubdtype(dtype, np.integer):
        msg = (
            f"{where} has dtype {dtype}; expected uint8, uint16, bool or float in "
            "[0, 1]. Convert with .astype(np.uint8) for 0-255 values."
        )
        raise TypeError(msg)
    msg = (
        f"{where} has dtype {dtype}; expected a numeric image "
        "(uint8, uint16, bool or float in [0, 1])."
    )
    raise TypeError(msg)


def check_image(
    image: Any, *, mode: Mode = None, index: int | None = None
) -> np.ndarray:
    """Convert one image (array or file path) to float64 in [0, 1].

    Parameters
    ----------
    image : (M, N[, C]) array-like, str or path-like
        A grey image, or a colour image with 1, 3 (RGB) or 4 (RGBA) channels last,
        of dtype uint8, uint16, bool or float in [0, 1]; or the path of an image file.
    mode : {'grey', 'rgb'} or None, default=None
        ``'grey'`` returns an ``(M, N)`` image (luminance), ``'rgb'`` an
        ``(M, N, 3)`` image (grey is repeated), None keeps grey as ``(M, N)`` and
        colour as ``(M, N, 3)``. RGBA is composited on a white background.
    index : int, optional
        The image's position in ``X``, used to name it in error messages.

    Returns
    -------
    image : (M, N) or (M, N, 3) ndarray of float64
        A new array with values in [0, 1].

    Raises
    ------
    ValueError
        Wrong number of dimensions or channels, an empty image, NaN or infinity,
        floats outside [0, 1].
    TypeError
        A dtype with no safe meaning (signed integers, object, complex).
    ImageReadError
        A file that does not exist or cannot be read.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.utils import check_image
    >>> check_image(np.array([[0, 255]], dtype=np.uint8))
    array([[0., 1.]])
    >>> check_image(np.zeros((2, 2, 3), dtype=np.uint8), mode="grey").shape
    (2, 2)
    """
    if mode not in _MODES:
        msg = f"mode must be 'grey', 'rgb' or None; got {mode!r}."
        raise ValueError(msg)
    where = _describe(index, image)
    if isinstance(image, (str, os.PathLike)):
        array = read_image(image)
    else:
        array = np.asarray(image)
    if array.ndim not in (2, 3):
        msg = (
            f"{where} has {array.ndim} dimensions (shape {array.shape}); expected a "
            "2-D grey image (M, N) or a 3-D colour image (M, N, C) with channels last."
        )
        raise ValueError(msg)
    if array.ndim == 3 and array.shape[2] not in (1, 3, 4):
        msg = (
            f"{where} has shape {array.shape}; expected 1, 3 (RGB) or 4 (RGBA) "
            f"channels on the last axis, got {array.shape[2]}. Move channels last "
            "with np.moveaxis(image, 0, -1) if they come first."
        )
        raise ValueError(msg)
    if array.shape[0] == 0 or array.shape[1] == 0:
        msg = f"{where} is empty (shape {array.shape}); expected at least 1x1 pixels."
        raise ValueError(msg)
    out = _to_float(array, where)
    if out.ndim == 3:
        if out.shape[2] == 1:
            out = out[:, :, 0]
        elif out.shape[2] == 4:
            alpha = out[:, :, 3:]
            out = out[:, :, :3] * alpha + (1.0 - alpha)
    if mode == "grey" and out.ndim == 3:
        out = np.clip(out @ _GREY_WEIGHTS, 0.0, 1.0)
    elif mode == "rgb" and out.ndim == 2:
        out = np.repeat(out[:, :, np.newaxis], 3, axis=2)
    return np.ascontiguousarray(out)


def as_image_sequence(X: Any, *, name: str = "X") -> list[Any]:
    """Check that ``X`` is a non-empty sequence of images and list its items.

    Items are not read or converted here (that happens one by one, in parallel
    workers, through :func:`check_image`); only the container is checked.

    Parameters
    ----------
    X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
        The images.
    name : str, default='X'
        The argument's name, for error messages.

    Returns
    -------
    items : list
        One entry per image: an ndarray view (never a copy of the caller's data)
        or a path.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.utils import as_image_sequence
    >>> len(as_image_sequence(np.zeros((5, 8, 8))))
    5
    """
    if isinstance(X, (str, os.PathLike)):
        msg = (
            f"{name} must be a sequence of images or paths; got the single path "
            f"{os.fspath(X)!r}. Pass [{os.fspath(X)!r}] for one image."
        )
        raise TypeError(msg)
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):  # scipy sparse
        msg = (
            f"{name} must be a sequence of images; got a sparse matrix. "
            "Images are dense: pass a list of arrays or a stacked ndarray."
        )
        raise TypeError(msg)
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim not in (3, 4):
            hint = (
                " Pass [image] for a single image."
                if X.ndim == 2
                else " Each image must be 2-D (M, N) or 3-D (M, N, C)."
            )
            msg = (
                f"{name} is an array of shape {X.shape}; expected a stack of images "
                f"(n_samples, M, N[, C]) or a list of images.{hint}"
            )
            raise ValueError(msg)
        items: list[Any] = list(X)
    elif isinstance(X, (Sequence, np.ndarray)) or (
        hasattr(X, "__iter__") and hasattr(X, "__len__")
    ):
        items = list(X)
    else:
        msg = f"{name} must be a sequence of images or paths; got {type(X).__name__}."
        raise TypeError(msg)
    if len(items) == 0:
        msg = f"{name} must contain at least one image; got 0 images."
        raise ValueError(msg)
    return items


def check_images(X: Any, *, mode: Mode = None) -> list[np.ndarray]:
    """Convert every image of ``X`` to float64 in [0, 1].

    Parameters
    ----------
    X : sequence of images or file paths, or (n_samples, M, N[, C]) ndarray
        The images, in the package's image convention (see :func:`check_image`).
    mode : {'grey', 'rgb'} or None, default=None
        As in :func:`check_image`.

    Returns
    -------
    images : list of ndarray
        New float64 arrays; sizes may differ from image to image.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.utils import check_images
    >>> images = check_images([np.zeros((4, 6), dtype=np.uint8), np.ones((3, 3))])
    >>> [image.shape for image in images]
    [(4, 6), (3, 3)]
    """
    return [
        check_image(item, mode=mode, index=i)
        for i, item in enumerate(as_image_sequence(X))
    ]


def resize_image(
    image: np.ndarray,
    shape: tuple[int, int],
    *,
    keep_aspect: bool = False,
    pad_value: float | None = None,
) -> np.ndarray:
    """Resize a float image to ``shape`` (rows, columns) with OpenCV.

    Shrinking averages pixel areas (``INTER_AREA``, no aliasing); enlarging is
    bilinear. With ``keep_aspect`` the image is scaled to fit inside ``shape`` and
    the rest is padded, centred.

    Parameters
    ----------
    image : (M, N[, 3]) ndarray of float
        An image from :func:`check_image`.
    shape : tuple of 2 int
        Output rows and columns.
    keep_aspect : bool, default=False
        Keep the aspect ratio by padding instead of stretching.
    pad_value : float, optional
        The value of padded pixels; None repeats the edge pixels.

    Returns
    -------
    resized : (shape[0], shape[1][, 3]) ndarray of float64
        A new array (values stay in the input's range).

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.utils import resize_image
    >>> resize_image(np.ones((10, 20)), (8, 8), keep_aspect=True, pad_value=0.0)[:, 0]
    array([0., 0., 1., 1., 1., 1., 0., 0.])
    """
    import cv2

    rows, cols = int(shape[0]), int(shape[1])
    in_rows, in_cols = image.shape[:2]
    if keep_aspect:
        scale = min(rows / in_rows, cols / in_cols)
        inner = (max(1, round(in_rows * scale)), max(1, round(in_cols * scale)))
    else:
        inner = (rows, cols)
    if inner == (in_rows, in_cols):
        out = np.array(image, dtype=np.float64)
    else:
        shrink = inner[0] * inner[1] < in_rows * in_cols
        out = np.asarray(
            cv2.resize(
                np.asarray(image, dtype=np.float64),
                (inner[1], inner[0]),  # OpenCV wants (width, height)
                interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR,
            ),
            dtype=np.float64,
        )
        lo, hi = float(image.min()), float(image.max())
        out = np.clip(out, lo, hi)  # bilinear/area never leaves the range; be exact
    if inner != (rows, cols):
        top = (rows - inner[0]) // 2
        left = (cols - inner[1]) // 2
        pad = [(top, rows - inner[0] - top), (left, cols - inner[1] - left)]
        pad += [(0, 0)] * (out.ndim - 2)
        if pad_value is None:
            out = np.pad(out, pad, mode="edge")
        else:
            out = np.pad(out, pad, mode="constant", constant_values=pad_value)
    return out
