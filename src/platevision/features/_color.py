"""Joint HSV colour histograms."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np

from platevision.features._base import ImageTransformer, _check_pair, cell_histograms


def _color_features(
    image: np.ndarray, *, bins: tuple[int, int, int], grid_shape: tuple[int, int]
) -> np.ndarray:
    from skimage.color import rgb2hsv

    hsv = rgb2hsv(image)
    index = np.zeros(hsv.shape[:2], dtype=np.intp)
    for channel, n in enumerate(bins):
        # Values of 1.0 fall in the last bin, not past it.
        level = np.minimum((hsv[:, :, channel] * n).astype(np.intp), n - 1)
        index = index * n + level
    return cell_histograms(index, int(np.prod(bins)), grid_shape)


class ColorHistogramTransformer(ImageTransformer):
    """Joint hue-saturation-value histogram of each image.

    Each image is converted to RGB float (grey images have no hue and no
    saturation), then to HSV, and the pixels are counted in a joint
    ``bins[0] x bins[1] x bins[2]`` histogram, per cell of ``grid_shape``,
    normalised to sum to 1 per cell. Works at any image size.

    Parameters
    ----------
    bins : tuple of (int, int, int), default=(8, 4, 4)
        Number of bins for hue, saturation and value.
    grid_shape : tuple of (int, int), default=(1, 1)
        Cell rows and columns; (1, 1) is one histogram of the whole image.
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
        ``grid_rows * grid_cols * prod(bins)`` (available before ``fit``).

    See Also
    --------
    HOGTransformer : Shape, not colour.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.features import ColorHistogramTransformer
    >>> red = np.zeros((10, 10, 3), dtype=np.uint8)
    >>> red[:, :, 0] = 255
    >>> features = ColorHistogramTransformer(bins=(4, 2, 2)).fit_transform([red])
    >>> features.shape
    (1, 16)
    >>> int(features[0].argmax())  # hue bin 0, most saturated, brightest
    3
    """

    _mode = "rgb"
    _parameter_constraints: dict[str, list[Any]] = {
        **ImageTransformer._parameter_constraints,
        "bins": [tuple, list],
        "grid_shape": [tuple, list],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        bins: tuple[int, int, int] = (8, 4, 4),
        *,
        grid_shape: tuple[int, int] = (1, 1),
        image_shape: tuple[int, int] | None = None,
        keep_aspect: bool = False,
        pad_value: float | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.bins = bins
        self.grid_shape = grid_shape
        self.image_shape = image_shape
        self.keep_aspect = keep_aspect
        self.pad_value = pad_value
        self.n_jobs = n_jobs

    def _check_params(self) -> None:
        super()._check_params()
        owner = type(self).__name__
        _check_pair(self.grid_shape, "grid_shape", owner)
        ok = (
            isinstance(self.bins, (tuple, list))
            and len(self.bins) == 3
            and all(isinstance(b, Integral) and b >= 1 for b in self.bins)
        )
        if not ok:
            msg = (
                f"The 'bins' parameter of {owner} must be three ints >= 1 (hue, "
                f"saturation, value); got {self.bins!r} instead."
            )
            raise ValueError(msg)

    @property
    def n_features_out_(self) -> int:
        """Length of the histogram vector of one image."""
        self._check_params()
        grid_rows, grid_cols = self.grid_shape
        return int(grid_rows * grid_cols * np.prod(self.bins))

    def _features_func(self) -> tuple[Any, dict[str, Any]]:
        return _color_features, {
            "bins": tuple(int(b) for b in self.bins),
            "grid_shape": (int(self.grid_shape[0]), int(self.grid_shape[1])),
        }
