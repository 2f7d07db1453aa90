"""Where in the image a CarForestClassifier looks: its importances on the image."""

from __future__ import annotations

from typing import Any

import numpy as np

from platevision.plotting._common import _import_pyplot

__all__ = ["importance_map", "plot_feature_importances"]


def importance_map(classifier: Any) -> np.ndarray:
    """Spread a fitted classifier's feature importances over its image grid.

    Parameters
    ----------
    classifier : CarForestClassifier
        A fitted classifier whose ``features_`` is a
        :class:`~platevision.features.FisherVectorTransformer` with
        ``spatial=True`` (each Gaussian's importance is spread as the Gaussian
        over the image) or a :class:`~platevision.features.HOGTransformer`
        (each block's importance is spread evenly over the block).

    Returns
    -------
    heatmap : ndarray of shape ``image_shape``
        Non-negative, summing to 1 (the importance per pixel).

    Raises
    ------
    TypeError
        ``classifier`` has no feature importances (not a forest).
    ValueError
        The features have no known place in the image.

    See Also
    --------
    plot_feature_importances : Draws this map over a photo.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.classification import CarForestClassifier
    >>> from platevision.features import HOGTransformer
    >>> from platevision.plotting import importance_map
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((12, 32, 64)) * 0.5
    >>> X[:6, :, :16] += 0.5 * (np.arange(16) % 4 < 2)  # only the left differs
    >>> clf = CarForestClassifier(HOGTransformer((32, 64)), image_shape=(32, 64),
    ...                           stack=False, flip=False, n_estimators=20,
    ...                           random_state=0).fit(X, ["a"] * 6 + ["b"] * 6)
    >>> heat = importance_map(clf)
    >>> heat.shape
    (32, 64)
    >>> bool(heat[:, :16].sum() > heat[:, 48:].sum())
    True
    """
    from sklearn.exceptions import NotFittedError

    from platevision.features import FisherVectorTransformer, HOGTransformer

    features = getattr(classifier, "features_", None)
    try:
        importances = np.asarray(classifier.feature_importances_)
    except NotFittedError:
        raise  # an AttributeError too, but the right message already
    except AttributeError:
        msg = (
            "classifier must be a fitted CarForestClassifier (with features_ and "
            f"feature_importances_); got {type(classifier).__name__}."
        )
        raise TypeError(msg) from None
    if isinstance(features, FisherVectorTransformer) and features.spatial:
        rows, cols = (int(v) for v in features.image_shape)
        n_gaussians, n_dims = features.gmm_means_.shape
        per_gaussian = importances.reshape(2, n_gaussians, n_dims).sum(axis=(0, 2))
        r = (np.arange(rows) + 0.5) / rows - 0.5
        c = (np.arange(cols) + 0.5) / cols - 0.5
        heat = np.zeros((rows, cols))
        for k in range(n_gaussians):
            (mr, mc), (vr, vc) = (
                features.gmm_means_[k, -2:],
                features.gmm_variances_[k, -2:],
            )
            blob = (
                np.exp(-((r - mr) ** 2) / (2 * vr))[:, None]
                * np.exp(-((c - mc) ** 2) / (2 * vc))[None, :]
            )
            heat += per_gaussian[k] * blob / blob.sum()
    elif isinstance(features, HOGTransformer):
        rows, cols = (int(v) for v in features.image_shape)
        cell_r, cell_c = features.pixels_per_cell
        block_r, block_c = features.cells_per_block
        n_r = rows // cell_r - block_r + 1
        n_c = cols // cell_c - block_c + 1
        per_block = importances.reshape(n_r, n_c, -1).sum(axis=2)
        heat = np.zeros((rows, cols))
        size = block_r * cell_r * block_c * cell_c
        for i in range(n_r):
            for j in range(n_c):
                heat[
                    i * cell_r : i * cell_r + block_r * cell_r,
                    j * cell_c : j * cell_c + block_c * cell_c,
                ] += per_block[i, j] / size
    else:
        msg = (
            "classifier.features_ must be a FisherVectorTransformer with spatial=True "
            "or a HOGTransformer to map importances onto the image; got "
            f"{type(features).__name__}."
        )
        raise ValueError(msg)
    total = heat.sum()
    return heat / total if total > 0 else heat


def plot_feature_importances(
    classifier: Any, image: Any = None, *, ax: Any = None, alpha: float = 0.6
) -> Any:
    """Show where in the image a fitted CarForestClassifier looks.

    Parameters
    ----------
    classifier : CarForestClassifier
        A fitted classifier (see :func:`importance_map` for the features
        supported).
    image : (M, N[, C]) array-like, str or path-like, default=None
        A photo to draw under the heat map (resized to the classifier's
        ``image_shape``); None draws the heat map alone.
    ax : matplotlib Axes, default=None
        Where to draw; None makes a new figure.
    alpha : float, default=0.6
        Opacity of the heat map over the photo.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.classification import CarForestClassifier
    >>> from platevision.features import HOGTransformer
    >>> from platevision.plotting import plot_feature_importances
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((12, 32, 64))
    >>> X[:6, :, :32] += 0.5 * (np.arange(32) % 4 < 2)  # a pattern on the left
    >>> y = ["Audi"] * 6 + ["BMW"] * 6
    >>> clf = CarForestClassifier(HOGTransformer((32, 64)), image_shape=(32, 64),
    ...                           stack=False, flip=False, n_estimators=20,
    ...                           random_state=0).fit(np.clip(X, 0, 1), y)
    >>> ax = plot_feature_importances(clf)
    >>> ax.get_title()
    'Where the forest looks'
    """
    from platevision.utils._image import check_image, resize_image

    plt = _import_pyplot("plot_feature_importances")
    heat = importance_map(classifier)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6 * heat.shape[0] / heat.shape[1] + 0.5))
    elif not hasattr(ax, "imshow"):
        msg = f"ax must be a matplotlib Axes or None; got {type(ax).__name__} {ax!r}."
        raise TypeError(msg)
    if image is not None:
        photo = resize_image(check_image(image, mode="rgb"), heat.shape)
        ax.imshow(photo)
        ax.imshow(heat, cmap="inferno", alpha=alpha)
    else:
        ax.imshow(heat, cmap="inferno")
    ax.set_title("Where the forest looks")
    ax.set_axis_off()
    return ax
