"""Uniform local binary pattern histograms on a grid of cells."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from platevision.features._base import ImageTransformer, _check_pair, cell_histograms
from platevision.utils._image import resize_image
from platevision.utils._sklearn_compat import Interval, StrOptions


def _n_bins(method: str, n_points: int) -> int:
    if method == "uniform":
        return n_points + 2
    return n_points * (n_points - 1) + 3  # 'nri_uniform'


def _lbp_features(
    image: np.ndarray,
    *,
    n_points: int,
    radius: float,
    method: str,
    grid_shape: tuple[int, int],
) -> np.ndarray:
    from skimage.feature import local_binary_pattern

    grid_rows, grid_cols = grid_shape
    # Every cell needs a few pixels: enlarge images smaller than the grid.
    min_shape = (max(image.shape[0], 3 * grid_rows), max(image.shape[1], 3 * grid_cols))
    if min_shape != image.shape:
        image = resize_image(image, min_shape)
    # LBP compares neighbours, so quantise to 8 bits first: float rounding noise
    # must not flip comparisons (and uint8 and float inputs give the same codes).
    quantised = np.rint(image * 255.0).astype(np.uint8)
    codes = local_binary_pattern(quantised, n_points, radius, method).astype(np.intp)
    return cell_histograms(codes, _n_bins(method, n_points), grid_shape)


class LBPTransformer(ImageTransformer):
    """Histograms of uniform local binary patterns on a grid of cells.

    Each image is converted to grey, quantised to 8 bits, coded with
    :func:`skimage.feature.local_binary_pattern`, split into ``grid_shape`` cells,
    and each cell is described by the normalised histogram of its codes. The
    output has a fixed width whatever the image size, so no resizing is needed.
    LBP codes only compare a pixel with its neighbours, so they do not change
    under monotonic changes of brightness: a classical choice for faces.

    Parameters
    ----------
    n_points : int, default=8
        Number of neighbours on the circle.
    radius : float, default=1.0
        Radius of the circle, in pixels.
    method : {'uniform', 'nri_uniform'}, default='uniform'
        ``'uniform'`` (rotation invariant, ``n_points + 2`` bins) or
        ``'nri_uniform'`` (not rotation invariant, ``n_points * (n_points - 1) + 3``
        bins).
    grid_shape : tuple of (int, int), default=(8, 8)
        Number of cell rows and columns.
    image_shape : tuple of (int, int), default=None
        Resize every image to this shape first; None keeps each image's size.
    keep_aspect : bool, default=False
        Keep the aspect ratio when resizing, padding the rest.
    pad_value : float in [0, 1], default=None
        Value of padded pixels when ``keep_aspect``; None repeats the edges.
    n_jobs : int, default=None
        Number of images processed in parallel through joblib (``None`` means 1
        unless in a :func:`joblib.parallel_backend` context, ``-1`` all
        processors). Any joblib backend works, Dask or Ray included.

    Attributes
    ----------
    n_features_out_ : int
        ``grid_rows * grid_cols * n_bins`` (available before ``fit``: the
        transformer is stateless).

    See Also
    --------
    HOGTransformer : Gradient orientation histograms.
    skimage.feature.local_binary_pattern : The function computing the codes.

    Notes
    -----
    Images smaller than three pixels per cell are enlarged first, so every cell
    has pixels. Each cell's histogram sums to 1.

    References
    ----------
    .. [1] T. Ahonen, A. Hadid and M. Pietikäinen, "Face description with local
       binary patterns: application to face recognition", IEEE TPAMI 28(12),
       2006.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.features import LBPTransformer
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.random((112, 92)), rng.random((50, 40))]
    >>> features = LBPTransformer(grid_shape=(4, 4)).fit_transform(X)
    >>> features.shape
    (2, 160)
    >>> float(features[0, :10].sum())
    1.0
    """

    _mode = "grey"
    _parameter_constraints: dict[str, list[Any]] = {
        **ImageTransformer._parameter_constraints,
        "n_points": [Interval(Integral, 1, 24, closed="both")],
        "radius": [Interval(Real, 0, None, closed="neither")],
        "method": [StrOptions({"uniform", "nri_uniform"})],
        "grid_shape": [tuple, list],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        n_points: int = 8,
        radius: float = 1.0,
        *,
        method: str = "uniform",
        grid_shape: tuple[int, int] = (8, 8),
        image_shape: tuple[int, int] | None = None,
        keep_aspect: bool = False,
        pad_value: float | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.n_points = n_points
        self.radius = radius
        self.method = method
        self.grid_shape = grid_shape
        self.image_shape = image_shape
        self.keep_aspect = keep_aspect
        self.pad_value = pad_value
        self.n_jobs = n_jobs

    def _check_params(self) -> None:
        super()._check_params()
        _check_pair(self.grid_shape, "grid_shape", type(self).__name__)

    @property
    def n_features_out_(self) -> int:
        """Length of the LBP vector of one image."""
        self._check_params()
        grid_rows, grid_cols = self.grid_shape
        return int(grid_rows * grid_cols * _n_bins(self.method, self.n_points))

    def _features_func(self) -> tuple[Any, dict[str, Any]]:
        return _lbp_features, {
            "n_points": self.n_points,
            "radius": float(self.radius),
            "method": self.method,
            "grid_shape": (int(self.grid_shape[0]), int(self.grid_shape[1])),
        }
