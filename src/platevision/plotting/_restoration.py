"""Plot the readings of broken plate characters: tile, damage, restorations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from platevision.plotting._common import (
    _check_axes,
    _check_titles,
    _import_pyplot,
    _show,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_readings"]

# The damage is drawn over the tile in this colour, a little transparent: the ink
# under it stays visible, and the colour shows on dark ink as on light background.
_MASK_COLOR = "tab:red"
_MASK_ALPHA = 0.75
# Size of one tile's panel in inches (width, height): room for a title above a
# 32 x 20 tile.
_PANEL = (0.95, 1.35)


def _overlay(mask: np.ndarray) -> np.ndarray:
    from matplotlib.colors import to_rgb

    rgba = np.zeros((*mask.shape, 4))
    rgba[..., :3] = to_rgb(_MASK_COLOR)
    rgba[..., 3] = _MASK_ALPHA * mask
    return rgba


def plot_readings(
    restorer: Any,
    X: Any,
    *,
    masks: Any = None,
    top_k: int = 3,
    axes: Any = None,
    titles: Any = None,
) -> Figure:
    """Plot each tile with its damage and its most probable restorations.

    One row per tile: the tile as given, the damage drawn over it in red, then
    the ``top_k`` readings of
    :meth:`~platevision.restoration.PlateCharacterRestorer.readings`, most
    probable first, each as the tile restored as that character, titled with
    the character and its probability (``'8' 0.71``).

    Read more in the :ref:`User Guide <restoration>`.

    Parameters
    ----------
    restorer : PlateCharacterRestorer
        A fitted restorer.
    X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
        Character tiles, one row of the figure each: a handful, not a data set.
    masks : sequence of (M, N) bool arrays, default=None
        Known damage, True where a pixel is damaged, one per tile with the
        tile's shape. It is passed to ``readings`` and drawn. None draws the
        damage the restorer finds
        (:meth:`~platevision.restoration.PlateCharacterRestorer.find_damage`).
    top_k : int, default=3
        Readings shown per tile (fewer when the restorer knows fewer
        characters).
    axes : array-like of matplotlib Axes, default=None
        Axes to draw into, ``n_samples`` rows of ``2 + top_k`` panels, in any
        shape (filled row by row). None makes a new figure with
        :func:`matplotlib.pyplot.subplots`.
    titles : sequence of str, default=None
        Titles of the tiles as given, one per tile (their true characters,
        say). None numbers them: ``'tile 0'``, ``'tile 1'``, ...

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure drawn into: a new one, or that of ``axes``.

    Raises
    ------
    ImportError
        matplotlib is not installed (``pip install "platevision[plot]"``).
    NotFittedError
        ``restorer`` is not fitted.
    TypeError
        ``restorer`` has no ``readings`` and ``find_damage``, ``top_k`` is not
        an int, ``titles`` is not a sequence or ``axes`` holds no Axes.
    ValueError
        ``top_k < 1``, the wrong number of ``axes`` or ``titles``, or ``masks``
        that do not match the tiles.

    See Also
    --------
    platevision.restoration.PlateCharacterRestorer.readings : The readings.
    platevision.datasets.damage_characters : Break characters to try it on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from platevision.datasets import damage_characters, make_plate_characters
    >>> from platevision.plotting import plot_readings
    >>> from platevision.restoration import PlateCharacterRestorer
    >>> train = make_plate_characters(6, random_state=0)
    >>> restorer = PlateCharacterRestorer(n_augment=1, n_proposals=1,
    ...                                   random_state=0)
    >>> restorer = restorer.fit(train.images, train.target)
    >>> test = make_plate_characters(1, alphabet="8E", random_state=1)
    >>> broken, masks = damage_characters(test.images, kind="chips", severity=0.6,
    ...                                   random_state=0)
    >>> fig = plot_readings(restorer, broken, masks=masks, top_k=2,
    ...                     titles=test.target)
    >>> len(fig.axes)
    8
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['8', 'damage given']
    >>> reading = restorer.readings(broken, top_k=2, masks=masks)[0][0]
    >>> fig.axes[2].get_title() == f"'{reading.character}' {reading.probability:.2f}"
    True
    >>> plt.close(fig)
    """
    plt = _import_pyplot("plot_readings")
    from sklearn.utils.validation import check_is_fitted

    from platevision.utils import check_images
    from platevision.utils._validation import check_int

    if not (hasattr(restorer, "readings") and hasattr(restorer, "find_damage")):
        msg = (
            "restorer must be a fitted PlateCharacterRestorer (with readings and "
            f"find_damage); got {type(restorer).__name__}."
        )
        raise TypeError(msg)
    check_is_fitted(restorer)
    top_k = check_int(top_k, "top_k", 1)
    tiles = check_images(X, mode="grey")
    n_samples = len(tiles)
    n_columns = 2 + min(top_k, len(restorer.classes_))
    titles = _check_titles(titles, n_samples, "tile")
    grid = _check_axes(
        axes,
        n_samples,
        n_columns,
        f"tiles x {n_columns} panels (tile, damage and {n_columns - 2} readings)",
    )

    if masks is not None:
        masks = list(masks)  # read twice: by the restorer, and drawn
    readings = restorer.readings(X, top_k=top_k, masks=masks)
    if masks is None:
        drawn, mask_title = restorer.find_damage(X), "damage found"
    else:
        drawn, mask_title = [np.asarray(m, dtype=bool) for m in masks], "damage given"

    if grid is None:
        fig, grid = plt.subplots(
            n_samples,
            n_columns,
            figsize=(_PANEL[0] * n_columns, _PANEL[1] * n_samples),
            squeeze=False,
            layout="constrained",
        )
    else:
        fig = grid[0, 0].figure
    for i, (tile, mask, row) in enumerate(zip(tiles, drawn, readings, strict=True)):
        _show(grid[i, 0], tile, f"tile {i}" if titles is None else titles[i])
        _show(grid[i, 1], tile, mask_title)
        grid[i, 1].imshow(_overlay(mask), interpolation="nearest")
        for ax, reading in zip(grid[i, 2:], row, strict=True):
            title = f"'{reading.character}' {reading.probability:.2f}"
            _show(ax, reading.restored, title)
    return fig
