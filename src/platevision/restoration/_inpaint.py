"""Template-guided biharmonic inpainting."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["biharmonic_fill", "inpaint_guided"]


@lru_cache(maxsize=1)
def _stencil_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every biharmonic stencil a pixel can have, by the code of its cut
    neighbourhood (``_cut_code``): row and column offsets from the pixel and
    coefficients, ``(n_codes, 25)`` each, padded with zero coefficients.

    A pixel's stencil is the Laplacian of the Laplacian of a unit impulse
    (SciPy's ``laplace``, reflected borders) on its 5 x 5 neighbourhood cut by
    the image's edges: scikit-image's ``inpaint_biharmonic`` discretisation.
    Along an axis the cut is its length (1-5) and the pixel's place in it (0-2).
    """
    from scipy.ndimage import laplace

    size = _cut_code(5, 2, 5, 2) + 1
    dy = np.zeros((size, 25), dtype=np.intp)
    dx = np.zeros((size, 25), dtype=np.intp)
    coef = np.zeros((size, 25))
    cuts = [(n, c) for n in range(1, 6) for c in range(3) if c < n and n - c <= 3]
    for height, y_centre in cuts:
        for width, x_centre in cuts:
            impulse = np.zeros((height, width))
            impulse[y_centre, x_centre] = 1.0
            stencil = laplace(laplace(impulse))
            ys, xs = np.nonzero(stencil)
            code = _cut_code(height, y_centre, width, x_centre)
            dy[code, : len(ys)] = ys - y_centre
            dx[code, : len(ys)] = xs - x_centre
            coef[code, : len(ys)] = stencil[ys, xs]
    for array in (dy, dx, coef):
        array.setflags(write=False)  # shared by every call: never changed in place
    return dy, dx, coef


def _cut_code(height: Any, y_centre: Any, width: Any, x_centre: Any) -> Any:
    """One number for a cut neighbourhood (works on arrays too)."""
    return ((height * 3 + y_centre) * 6 + width) * 3 + x_centre


def _cut(position: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each position's cut neighbourhood along one axis: its length and the
    position's place in it."""
    low = np.maximum(position - 2, 0)
    high = np.minimum(position + 3, size)
    return high - low, position - low


def biharmonic_fill(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Biharmonic inpainting of a 2-D grey image (float64, not rescaled).

    scikit-image's ``inpaint_biharmonic``: the same linear system (one equation
    per masked pixel, neighbourhoods cut at the image's edges), solved by
    SciPy's sparse LU and clipped to the known pixels' range; built here from a
    table of every stencil in a few array operations instead of a loop over the
    pixels near the edges: about a tenth of the time on character tiles.

    Raises
    ------
    ValueError
        ``image`` is not 2-D, ``mask`` does not have its shape, or the mask
        leaves no pixel known.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.restoration._inpaint import biharmonic_fill
    >>> ramp = np.tile(np.linspace(0.0, 1.0, 8), (6, 1))
    >>> mask = np.zeros(ramp.shape, dtype=bool)
    >>> mask[2:4, 3:5] = True  # a hole in a smooth ramp
    >>> bool(np.abs(biharmonic_fill(ramp, mask) - ramp).max() < 1e-9)
    True
    """
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    image = np.asarray(image, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if image.ndim != 2 or mask.shape != image.shape:
        msg = (
            "biharmonic_fill needs a 2-D image and a mask of its shape; got "
            f"{image.shape} and {mask.shape}."
        )
        raise ValueError(msg)
    if not mask.any():
        return image.copy()
    if mask.all():
        msg = "biharmonic_fill needs at least one known pixel; the mask covers all."
        raise ValueError(msg)
    height, width = image.shape
    ys, xs = np.nonzero(mask)
    codes = _cut_code(*_cut(ys, height), *_cut(xs, width))
    table_dy, table_dx, table_coef = _stencil_table()
    coef = table_coef[codes]
    used = coef != 0.0
    row = np.broadcast_to(np.arange(len(ys))[:, None], coef.shape)[used]
    col = ((ys[:, None] + table_dy[codes]) * width + xs[:, None] + table_dx[codes])[
        used
    ]
    val = coef[used]
    flat = image.ravel()
    unknown = mask.ravel()
    index = np.cumsum(unknown) - 1  # each masked pixel's equation and unknown
    inside = unknown[col]
    n = len(ys)
    system = sparse.csc_matrix(
        (val[inside], (row[inside], index[col[inside]])), shape=(n, n)
    )
    outside = ~inside
    rhs = -np.bincount(
        row[outside], weights=val[outside] * flat[col[outside]], minlength=n
    )
    filled = flat.copy()
    filled[unknown] = spsolve(system, rhs)
    known = flat[~unknown]
    return np.clip(filled, known.min(), known.max()).reshape(image.shape)


def inpaint_guided(
    image: np.ndarray, mask: np.ndarray, template: np.ndarray | None = None
) -> np.ndarray:
    """Fill the masked pixels of a grey image, steered by an aligned template.

    Without a template this is :func:`skimage.restoration.inpaint_biharmonic`
    (the same system, built faster here): the masked pixels are filled smoothly
    from their surroundings. With a template, the
    *difference* between image and template is filled biharmonically and the
    template is added back, so inside the mask the result follows the template's
    strokes while it joins the surrounding pixels without a seam.

    Parameters
    ----------
    image : (M, N) ndarray of float
        Grey image in [0, 1]. Not modified.
    mask : (M, N) ndarray of bool
        True where a pixel is damaged and must be filled.
    template : (M, N) ndarray of float, optional
        What the image should look like, aligned with it, in [0, 1].

    Returns
    -------
    restored : (M, N) ndarray of float64
        A new image in [0, 1]; pixels outside the mask are those of ``image``.

    Raises
    ------
    ValueError
        ``mask`` or ``template`` does not have the image's shape.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.restoration import inpaint_guided
    >>> bar = np.ones((12, 8))
    >>> bar[:, 3:5] = 0.0  # a vertical stroke
    >>> broken = bar.copy()
    >>> broken[4:8] = 1.0  # its middle is gone
    >>> mask = np.zeros(bar.shape, dtype=bool)
    >>> mask[4:8] = True
    >>> restored = inpaint_guided(broken, mask, template=bar)
    >>> bool(np.abs(restored - bar).max() < 1e-6)
    True
    """
    image = np.asarray(image, dtype=np.float64)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != image.shape:
        msg = f"mask must have the image's shape {image.shape}; got {mask.shape}."
        raise ValueError(msg)
    if template is not None:
        template = np.asarray(template, dtype=np.float64)
        if template.shape != image.shape:
            msg = (
                f"template must have the image's shape {image.shape}; got "
                f"{template.shape}."
            )
            raise ValueError(msg)
    if not mask.any():
        return image.copy()
    if mask.all():
        # Nothing to interpolate from: the template (or mid-grey) is all we know.
        filled = np.full(image.shape, 0.5) if template is None else template.copy()
        return np.clip(filled, 0.0, 1.0)
    base = np.zeros(image.shape) if template is None else template
    residual = np.where(mask, 0.0, image - base)
    filled = biharmonic_fill(residual, mask) + base
    return np.clip(np.where(mask, filled, image), 0.0, 1.0)
