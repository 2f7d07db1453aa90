"""Template-guided biharmonic inpainting."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["biharmonic_fill", "inpaint_guided"]


@lru_cache(maxsize=128)
def _biharmonic_stencils(
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The biharmonic operator of an image of ``shape``, as (row, column, value)
    entries over the raveled pixels.

    Each pixel's row is the Laplacian of the Laplacian of a unit impulse (SciPy's
    ``laplace``, reflected borders) on the pixel's 5 x 5 neighbourhood cut at the
    image's edges: scikit-image's ``inpaint_biharmonic`` discretisation. There
    are at most 25 such cut neighbourhoods; each is worked out once and applied
    to all its pixels at once.
    """
    from scipy.ndimage import laplace

    def cuts(n: int) -> tuple[np.ndarray, np.ndarray]:
        position = np.arange(n)
        low = np.maximum(position - 2, 0)
        high = np.minimum(position + 3, n)
        return position, np.stack([high - low, position - low], axis=1)

    height, width = shape
    ys, y_cuts = cuts(height)
    xs, x_cuts = cuts(width)
    rows, cols, vals = [], [], []
    for y_cut in np.unique(y_cuts, axis=0):
        py = ys[(y_cuts == y_cut).all(axis=1)]
        for x_cut in np.unique(x_cuts, axis=0):
            px = xs[(x_cuts == x_cut).all(axis=1)]
            impulse = np.zeros((int(y_cut[0]), int(x_cut[0])))
            impulse[y_cut[1], x_cut[1]] = 1.0
            coef = laplace(laplace(impulse))
            dy, dx = np.nonzero(coef)
            y = np.repeat(py, len(px))
            x = np.tile(px, len(py))
            rows.append(np.repeat(y * width + x, len(dy)))
            cols.append(
                (
                    (y[:, None] - y_cut[1] + dy) * width + (x[:, None] - x_cut[1] + dx)
                ).ravel()
            )
            vals.append(np.tile(coef[dy, dx], len(y)))
    out = (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))
    for array in out:
        array.setflags(write=False)  # shared by every call: never changed in place
    return out


def biharmonic_fill(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Biharmonic inpainting of a 2-D grey image: scikit-image's
    ``inpaint_biharmonic`` (the same linear system, solved by SciPy's sparse LU,
    and clipped to the known pixels' range), built from cached stencils in a
    few array operations instead of a loop over the pixels near the edges:
    about a tenth of the time on character tiles.

    ``mask`` must leave at least one pixel known.
    """
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    flat = np.asarray(image, dtype=np.float64).ravel()
    unknown = np.asarray(mask, dtype=bool).ravel()
    if not unknown.any():
        return flat.reshape(image.shape).copy()
    if unknown.all():
        msg = "biharmonic_fill needs at least one known pixel; the mask covers all."
        raise ValueError(msg)
    rows, cols, vals = _biharmonic_stencils(tuple(image.shape))
    index = np.cumsum(unknown) - 1
    chosen = unknown[rows]  # the equations of the unknown pixels
    rows, cols, vals = rows[chosen], cols[chosen], vals[chosen]
    inside = unknown[cols]
    n = int(index[-1]) + 1
    system = sparse.csc_matrix(
        (vals[inside], (index[rows[inside]], index[cols[inside]])), shape=(n, n)
    )
    outside = ~inside
    rhs = -np.bincount(
        index[rows[outside]], weights=vals[outside] * flat[cols[outside]], minlength=n
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
