"""Resize images to one shape, optionally to grey: the first step of a pipeline."""

from __future__ import annotations

from typing import Any

import numpy as np

from platevision.features._base import ImageTransformer, _check_pair


def _identity(image: np.ndarray) -> np.ndarray:
    return image


class ImageResizer(ImageTransformer):
    """Resize every image to ``image_shape``, optionally converting it to grey.

    The output is a stack of float images in [0, 1], ready for any transformer of
    :mod:`platevision.features` (or for a model that wants pixels).

    Parameters
    ----------
    image_shape : tuple of (int, int), default=(64, 64)
        Output rows and columns.
    grey : bool, default=False
        Convert to grey (luminance). When False the output is RGB, grey inputs
        included (their three channels are equal), so every output has the same
        shape.
    keep_aspect : bool, default=False
        Keep the aspect ratio: scale the image to fit inside ``image_shape`` and
        pad the rest, centred.
    pad_value : float in [0, 1], default=None
        Value of padded pixels when ``keep_aspect``; None repeats the edges.
    n_jobs : int, default=None
        Number of images processed in parallel through joblib (``None`` means 1
        unless in a :func:`joblib.parallel_backend` context, ``-1`` all
        processors). Any joblib backend works, Dask or Ray included.

    Attributes
    ----------
    n_features_out_ : int
        Number of values of one output image (rows x columns x channels).

    See Also
    --------
    platevision.utils.resize_image : The function resizing one image.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.features import ImageResizer
    >>> X = [np.zeros((30, 60), dtype=np.uint8), np.ones((50, 50, 3))]
    >>> ImageResizer((16, 16), grey=True).fit_transform(X).shape
    (2, 16, 16)
    >>> ImageResizer((16, 16), keep_aspect=True).fit_transform(X).shape
    (2, 16, 16, 3)
    """

    _parameter_constraints: dict[str, list[Any]] = {
        **ImageTransformer._parameter_constraints,
        "image_shape": [tuple, list],
        "grey": ["boolean"],
    }

    def __init__(
        self,
        image_shape: tuple[int, int] = (64, 64),
        *,
        grey: bool = False,
        keep_aspect: bool = False,
        pad_value: float | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.image_shape = image_shape
        self.grey = grey
        self.keep_aspect = keep_aspect
        self.pad_value = pad_value
        self.n_jobs = n_jobs

    @property
    def _mode(self) -> str:  # type: ignore[override]
        return "grey" if self.grey else "rgb"

    def _check_params(self) -> None:
        _check_pair(self.image_shape, "image_shape", type(self).__name__)

    @property
    def n_features_out_(self) -> int:
        """Number of values in one output image."""
        self._check_params()
        rows, cols = self.image_shape
        return int(rows * cols * (1 if self.grey else 3))

    def _features_func(self) -> tuple[Any, dict[str, Any]]:
        return _identity, {}

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        # The output is a stack of images, not a table.
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
