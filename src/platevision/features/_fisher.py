"""Fisher vectors of dense gradient descriptors (dense SIFT-like), fitted."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted, check_random_state

from platevision.features._base import _check_pair
from platevision.utils._image import as_image_sequence, check_image, resize_image
from platevision.utils._parallel import map_images
from platevision.utils._sklearn_compat import Interval, _fit_context

# Cells per side of one descriptor: 4 x 4 cells of n_orientations bins, as SIFT.
_CELLS = 4


def dense_descriptors(
    image: np.ndarray, *, cell_size: int, n_orientations: int
) -> tuple[np.ndarray, np.ndarray]:
    """SIFT-like descriptors on a dense grid of one grey float image.

    Gradient magnitudes are split between the two nearest of
    ``n_orientations`` orientation bins and summed over square cells of
    ``cell_size`` pixels; each descriptor is the 4 x 4 cells around a grid
    point (a ``4 * cell_size`` pixel patch, one every ``cell_size`` pixels),
    normalised as SIFT (L2, clipped at 0.2, L2 again) and then as RootSIFT
    (L1, square root). Flat patches give zero descriptors.

    Returns the descriptors ``(n_points, 16 * n_orientations)`` and the
    patch centres ``(n_points, 2)`` as fractions of the rows and columns.
    """
    # Central differences (borders reflected) in float64 with NumPy: OpenCV's
    # float32 SIMD kernels round differently with the buffer's alignment, so
    # the same image could give different descriptors (NumPy's elementwise
    # operations are exactly rounded). Stored as float32: half the memory.
    grey = np.asarray(image, dtype=np.float64)
    padded = np.pad(grey, 1, mode="reflect")
    gx = padded[1:-1, 2:] - padded[1:-1, :-2]
    gy = padded[2:, 1:-1] - padded[:-2, 1:-1]
    magnitude = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), 2 * np.pi)
    position = angle * (n_orientations / (2 * np.pi))
    low = np.floor(position).astype(np.intp) % n_orientations
    weight = position - np.floor(position)
    rows = (grey.shape[0] // cell_size) * cell_size
    cols = (grey.shape[1] // cell_size) * cell_size
    magnitude, weight, low = (
        magnitude[:rows, :cols],
        weight[:rows, :cols],
        low[:rows, :cols],
    )
    high = (low + 1) % n_orientations
    to_low, to_high = magnitude * (1 - weight), magnitude * weight
    # Each pixel votes into its two nearest bins (never the same bin).
    channels = np.zeros((rows * cols, n_orientations))
    pixel = np.arange(rows * cols)
    channels[pixel, low.ravel()] = to_low.ravel()
    channels[pixel, high.ravel()] = to_high.ravel()
    cells = channels.reshape(
        rows // cell_size, cell_size, cols // cell_size, cell_size, n_orientations
    ).sum(axis=(1, 3))
    windows = np.lib.stride_tricks.sliding_window_view(cells, (_CELLS, _CELLS), (0, 1))
    grid_rows, grid_cols = windows.shape[:2]
    desc = windows.reshape(grid_rows * grid_cols, -1)
    norm = np.linalg.norm(desc, axis=1, keepdims=True)
    desc = np.minimum(desc / np.maximum(norm, 1e-6), 0.2)
    desc /= np.maximum(np.linalg.norm(desc, axis=1, keepdims=True), 1e-6)
    desc = np.sqrt(desc / np.maximum(desc.sum(axis=1, keepdims=True), 1e-6))
    half = _CELLS * cell_size / 2
    centre_r = (np.arange(grid_rows) * cell_size + half) / grey.shape[0]
    centre_c = (np.arange(grid_cols) * cell_size + half) / grey.shape[1]
    centres = np.stack(np.meshgrid(centre_r, centre_c, indexing="ij"), axis=-1)
    return desc.astype(np.float32), centres.reshape(-1, 2).astype(np.float32)


def _descriptors_item(
    item: Any,
    index: int,
    *,
    image_shape: tuple[int, int],
    cell_size: int,
    n_orientations: int,
) -> tuple[np.ndarray, np.ndarray]:
    image = resize_image(check_image(item, mode="grey", index=index), image_shape)
    return dense_descriptors(image, cell_size=cell_size, n_orientations=n_orientations)


def _project(
    desc: np.ndarray, centres: np.ndarray, model: dict[str, np.ndarray]
) -> np.ndarray:
    """PCA-project descriptors, appending their centred positions if spatial."""
    # In float64: a float32 product's rounding depends on the BLAS kernel and
    # the memory alignment enough to show (1e-6); in float64 such differences
    # stay near 1e-15.
    z = (desc.astype(np.float64) - model["mean"]) @ model["components"].T
    if model["spatial"]:
        z = np.hstack([z, centres.astype(np.float64) - 0.5])
    return z


def _fisher_item(
    item: Any,
    index: int,
    *,
    model: dict[str, Any],
    image_shape: tuple[int, int],
    cell_size: int,
    n_orientations: int,
) -> np.ndarray:
    desc, centres = _descriptors_item(
        item,
        index,
        image_shape=image_shape,
        cell_size=cell_size,
        n_orientations=n_orientations,
    )
    return fisher_vector(_project(desc, centres, model), model)


def fisher_vector(z: np.ndarray, model: dict[str, np.ndarray]) -> np.ndarray:
    """Improved Fisher vector of descriptors ``z`` under a diagonal GMM.

    Gradients with respect to the means and standard deviations (Sánchez et
    al. 2013), then signed square root and L2 normalisation.
    """
    weights, means, variances = model["weights"], model["means"], model["variances"]
    precision = 1.0 / variances
    # log N(z | mu_k, sigma_k), up to the constant shared by every component.
    log_prob = (
        -0.5
        * (
            (z**2) @ precision.T
            - 2 * z @ (means * precision).T
            + np.sum(means**2 * precision, axis=1)
        )
        - 0.5 * np.sum(np.log(variances), axis=1)
        + np.log(weights)
    )
    log_prob -= log_prob.max(axis=1, keepdims=True)
    gamma = np.exp(log_prob)
    gamma /= gamma.sum(axis=1, keepdims=True)
    n = len(z)
    sigma = np.sqrt(variances)
    s0 = gamma.sum(axis=0)[:, np.newaxis]
    s1 = gamma.T @ z
    s2 = gamma.T @ (z**2)
    d_mean = (s1 - s0 * means) / (sigma * n * np.sqrt(weights)[:, np.newaxis])
    d_sigma = (s2 - 2 * s1 * means + s0 * (means**2 - variances)) / (
        variances * n * np.sqrt(2 * weights)[:, np.newaxis]
    )
    fv = np.concatenate([d_mean.ravel(), d_sigma.ravel()])
    fv = np.sign(fv) * np.sqrt(np.abs(fv))
    norm = np.linalg.norm(fv)
    return fv / norm if norm > 0 else fv


class FisherVectorTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Fisher vector of dense SIFT-like gradient descriptors of each image.

    Each image is converted to grey, resized to ``image_shape`` and described
    on a dense grid by SIFT-like descriptors (4 x 4 cells of ``cell_size``
    pixels, ``n_orientations`` gradient orientations; RootSIFT-normalised).
    :meth:`fit` learns a PCA of the descriptors (``n_pca`` components) and a
    diagonal Gaussian mixture of ``n_gaussians`` components on a sample of
    them; :meth:`transform` encodes every image's descriptors as an improved
    Fisher vector (gradients for the means and deviations, signed square root,
    L2-normalised). With ``spatial`` the descriptors carry their position in
    the image, so the encoding also says *where* each kind of patch is.

    Parameters
    ----------
    image_shape : tuple of (int, int), default=(128, 256)
        Rows and columns every image is resized to.
    cell_size : int, default=4
        Side of a cell in pixels; a descriptor covers ``4 * cell_size`` pixels
        and the grid step is ``cell_size``.
    n_orientations : int, default=8
        Orientation bins of the gradient histograms.
    n_pca : int, default=64
        Principal components kept of the descriptors.
    n_gaussians : int, default=32
        Components of the Gaussian mixture (the visual vocabulary).
    spatial : bool, default=True
        Append each descriptor's position (row and column as fractions of the
        image, centred) to its PCA projection.
    max_descriptors : int, default=20_000
        Descriptors sampled (evenly over images) to fit the PCA and mixture.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampling and the mixture's initialisation.
    n_jobs : int, default=None
        Number of images described in parallel through joblib (``None`` means
        1 unless in a :func:`joblib.parallel_backend` context, ``-1`` all
        processors).

    Attributes
    ----------
    pca_mean_ : ndarray of shape (16 * n_orientations,)
        Mean descriptor.
    pca_components_ : ndarray of shape (n_pca, 16 * n_orientations)
        Principal axes of the descriptors.
    gmm_weights_, gmm_means_, gmm_variances_ : ndarray
        The fitted mixture: ``(n_gaussians,)`` weights, ``(n_gaussians, d)``
        means and diagonal variances, with ``d = n_pca (+ 2 if spatial)``.
    n_features_out_ : int
        ``2 * n_gaussians * d``.

    See Also
    --------
    HOGTransformer : Gradient histograms on a fixed grid, not fitted.

    Notes
    -----
    The descriptors are those of dense SIFT with a flat window (as VLFeat's
    fast ``dsift``), computed with NumPy in float64: about 3 ms per
    128 x 256 image, where ``cv2.SIFT_create().compute`` on the same grid takes
    over 100 ms, since it builds a full scale space first.

    References
    ----------
    .. [1] J. Sánchez, F. Perronnin, T. Mensink and J. Verbeek, "Image
       classification with the Fisher vector: theory and practice", IJCV
       105(3), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.features import FisherVectorTransformer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((6, 40, 60))
    >>> fv = FisherVectorTransformer((32, 48), n_pca=8, n_gaussians=4,
    ...                              random_state=0).fit(X)
    >>> fv.transform(X).shape
    (6, 80)
    >>> fv.get_feature_names_out()[:2]
    array(['fishervectortransformer0', 'fishervectortransformer1'], dtype=object)
    """

    _parameter_constraints: dict[str, list[Any]] = {
        "image_shape": [tuple, list],
        "cell_size": [Interval(Integral, 1, None, closed="left")],
        "n_orientations": [Interval(Integral, 2, None, closed="left")],
        "n_pca": [Interval(Integral, 1, None, closed="left")],
        "n_gaussians": [Interval(Integral, 1, None, closed="left")],
        "spatial": ["boolean"],
        "max_descriptors": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        image_shape: tuple[int, int] = (128, 256),
        *,
        cell_size: int = 4,
        n_orientations: int = 8,
        n_pca: int = 64,
        n_gaussians: int = 32,
        spatial: bool = True,
        max_descriptors: int = 20_000,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.image_shape = image_shape
        self.cell_size = cell_size
        self.n_orientations = n_orientations
        self.n_pca = n_pca
        self.n_gaussians = n_gaussians
        self.spatial = spatial
        self.max_descriptors = max_descriptors
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _check_params(self) -> tuple[int, int]:
        owner = type(self).__name__
        _check_pair(self.image_shape, "image_shape", owner)
        side = _CELLS * self.cell_size
        if self.image_shape[0] < side or self.image_shape[1] < side:
            msg = (
                f"The 'image_shape' parameter of {owner} must be at least "
                f"({side}, {side}) (4 cells of cell_size={self.cell_size}); got "
                f"{tuple(self.image_shape)}."
            )
            raise ValueError(msg)
        n_dims = _CELLS * _CELLS * self.n_orientations
        if self.n_pca > n_dims:
            msg = (
                f"The 'n_pca' parameter of {owner} must be at most the descriptor "
                f"length {n_dims} (16 * n_orientations); got {self.n_pca}."
            )
            raise ValueError(msg)
        return int(self.image_shape[0]), int(self.image_shape[1])

    def _extract(self, items: list[Any]) -> list[Any]:
        return map_images(
            _descriptors_item,
            items,
            n_jobs=self.n_jobs,
            image_shape=self._check_params(),
            cell_size=int(self.cell_size),
            n_orientations=int(self.n_orientations),
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> FisherVectorTransformer:
        """Learn the descriptors' PCA and Gaussian mixture from the images.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            The images, in the package's image convention.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : FisherVectorTransformer
            The fitted transformer.
        """
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import GaussianMixture

        items = as_image_sequence(X)
        rng = check_random_state(self.random_state)
        extracted = self._extract(items)
        per_image = max(1, self.max_descriptors // len(items))
        desc_parts, centre_parts = [], []
        for desc, centres in extracted:
            take = rng.choice(len(desc), min(per_image, len(desc)), replace=False)
            desc_parts.append(desc[take])
            centre_parts.append(centres[take])
        sample = np.vstack(desc_parts).astype(np.float64)
        centres = np.vstack(centre_parts)
        self.pca_mean_ = sample.mean(axis=0)
        # PCA by SVD of the centred sample: the right singular vectors.
        _, _, vt = np.linalg.svd(sample - self.pca_mean_, full_matrices=False)
        n_pca = min(int(self.n_pca), vt.shape[0])
        self.pca_components_ = vt[:n_pca]
        z = _project(sample, centres, self._model(gmm=False))
        n_gaussians = min(int(self.n_gaussians), len(z))
        with warnings.catch_warnings():
            # A vocabulary stopped after max_iter EM steps encodes as well as a
            # converged one; the warning would only alarm users.
            warnings.simplefilter("ignore", ConvergenceWarning)
            gmm = GaussianMixture(
                n_gaussians,
                covariance_type="diag",
                reg_covar=1e-4,
                max_iter=30,
                # k-means++ seeds only, no full k-means: the mixture's own EM
                # refines them (fit in seconds instead of minutes).
                init_params="k-means++",
                random_state=rng,
            ).fit(z)
        self.gmm_weights_ = gmm.weights_
        self.gmm_means_ = gmm.means_
        self.gmm_variances_ = gmm.covariances_
        self.n_features_out_ = int(2 * gmm.means_.size)
        return self

    def _model(self, *, gmm: bool = True) -> dict[str, Any]:
        model: dict[str, Any] = {
            "mean": self.pca_mean_,
            "components": self.pca_components_,
            "spatial": bool(self.spatial),
        }
        if gmm:
            model.update(
                weights=self.gmm_weights_,
                means=self.gmm_means_,
                variances=self.gmm_variances_,
            )
        return model

    def transform(self, X: Any) -> np.ndarray:
        """Encode every image as a Fisher vector.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            The images, in the package's image convention.

        Returns
        -------
        features : ndarray of shape (n_samples, ``n_features_out_``)
            One L2-normalised Fisher vector per image.
        """
        check_is_fitted(self)
        items = as_image_sequence(X)
        rows = map_images(
            _fisher_item,
            items,
            n_jobs=self.n_jobs,
            model=self._model(),
            image_shape=self._check_params(),
            cell_size=int(self.cell_size),
            n_orientations=int(self.n_orientations),
        )
        return np.asarray(np.stack(rows), dtype=np.float64)

    @property
    def _n_features_out(self) -> int:
        return self.n_features_out_  # type: ignore[no-any-return]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        tags.non_deterministic = False
        return tags
