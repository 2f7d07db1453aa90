"""What every image transformer of platevision shares."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)

from platevision.utils._image import as_image_sequence, check_image, resize_image
from platevision.utils._parallel import map_images
from platevision.utils._sklearn_compat import Interval, _fit_context


def _check_pair(value: Any, name: str, owner: str, minimum: int = 1) -> None:
    """Validate a (rows, columns) pair of ints, such as ``image_shape``."""
    ok = (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, Integral) and not isinstance(v, bool) for v in value)
        and all(v >= minimum for v in value)
    )
    if not ok:
        msg = (
            f"The {name!r} parameter of {owner} must be a pair of ints >= {minimum} "
            f"(rows, columns); got {value!r} instead."
        )
        raise ValueError(msg)


def cell_histograms(
    codes: np.ndarray, n_bins: int, grid_shape: tuple[int, int]
) -> np.ndarray:
    """Normalised histograms of integer ``codes`` in each cell of a grid.

    ``codes`` is an (M, N) array of ints in [0, n_bins); the grid splits rows and
    columns into nearly equal bands. Each cell's histogram sums to 1 (an empty
    cell, possible only when the image has fewer pixels than the grid has cells,
    stays 0). Returns the cells' histograms, row by row, as one vector.
    """
    grid_rows, grid_cols = grid_shape
    rows, cols = codes.shape
    row_cell = (np.arange(rows) * grid_rows) // rows
    col_cell = (np.arange(cols) * grid_cols) // cols
    cell = row_cell[:, np.newaxis] * grid_cols + col_cell[np.newaxis, :]
    counts = np.bincount(
        (cell * n_bins + codes).ravel(), minlength=grid_rows * grid_cols * n_bins
    ).reshape(grid_rows * grid_cols, n_bins)
    totals = np.maximum(counts.sum(axis=1, keepdims=True), 1)
    return (counts / totals).ravel()


def _transform_item(
    item: Any,
    index: int,
    *,
    mode: str | None,
    image_shape: tuple[int, int] | None,
    keep_aspect: bool,
    pad_value: float | None,
    extract: Callable[..., np.ndarray],
    extract_params: dict[str, Any],
) -> np.ndarray:
    """Read one item of X, convert, resize, and compute its features."""
    image = check_image(item, mode=mode, index=index)  # type: ignore[arg-type]
    if image_shape is not None:
        image = resize_image(
            image, image_shape, keep_aspect=keep_aspect, pad_value=pad_value
        )
    return extract(image, **extract_params)


class ImageTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Shared machinery of the image transformers (not public).

    A subclass sets ``_mode`` ('grey' or 'rgb'), implements ``_check_params``
    (validation beyond ``_parameter_constraints``), ``_features_func`` (a picklable
    module-level function and its keyword arguments, applied to one float image)
    and the ``_n_features_out`` property. Transformers are stateless: ``fit`` only
    validates, and ``transform`` works without it.
    """

    _mode: str | None = "grey"
    _parameter_constraints: dict[str, list[Any]] = {
        "n_jobs": [Integral, None],
        "keep_aspect": ["boolean"],
        "pad_value": [Interval(Real, 0, 1, closed="both"), None],
    }

    def _check_params(self) -> None:
        if self.image_shape is not None:  # type: ignore[attr-defined]
            _check_pair(
                self.image_shape,  # type: ignore[attr-defined]
                "image_shape",
                type(self).__name__,
            )

    def _features_func(self) -> tuple[Callable[..., np.ndarray], dict[str, Any]]:
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> ImageTransformer:
        """Check the parameters and ``X``; nothing is learned.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            The images, in the package's image convention.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The transformer.
        """
        self._check_params()
        as_image_sequence(X)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Compute the features of every image.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            The images, in the package's image convention: grey or colour arrays
            of any size and of dtype uint8, uint16, bool or float in [0, 1], or
            image file paths (read here, one at a time).

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            One row of float64 features per image.
        """
        # Stateless: validate here too, since transform works without fit.
        self._validate_params()  # type: ignore[attr-defined]
        self._check_params()
        items = as_image_sequence(X)
        func, func_params = self._features_func()
        rows = map_images(
            _transform_item,
            items,
            n_jobs=self.n_jobs,  # type: ignore[attr-defined]
            mode=self._mode,
            image_shape=self._resize_shape(),
            keep_aspect=self.keep_aspect,  # type: ignore[attr-defined]
            pad_value=self.pad_value,  # type: ignore[attr-defined]
            extract=func,
            extract_params=func_params,
        )
        return np.asarray(np.stack(rows), dtype=np.float64)

    @property
    def _n_features_out(self) -> int:
        # Read by ClassNamePrefixFeaturesOutMixin.get_feature_names_out.
        return self.n_features_out_  # type: ignore[attr-defined,no-any-return]

    def _resize_shape(self) -> tuple[int, int] | None:
        shape = self.image_shape  # type: ignore[attr-defined]
        return None if shape is None else (int(shape[0]), int(shape[1]))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
