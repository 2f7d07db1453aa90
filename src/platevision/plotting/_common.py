"""What the plots share: matplotlib on demand, argument checks, image panels."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []


def _import_pyplot(caller: str) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        msg = (
            f"{caller} requires matplotlib, which is not installed; install it with "
            'pip install "platevision[plot]".'
        )
        raise ImportError(msg) from err
    return plt


def _check_titles(titles: Any, n_samples: int, what: str) -> list[str] | None:
    if titles is None:
        return None
    if isinstance(titles, str) or not hasattr(titles, "__len__"):
        msg = (
            f"titles must be a sequence of {n_samples} str, one per {what}; got "
            f"{type(titles).__name__} {titles!r}."
        )
        raise TypeError(msg)
    if len(titles) != n_samples:
        msg = f"titles must hold one title per {what} ({n_samples}); got {len(titles)}."
        raise ValueError(msg)
    return [str(title) for title in titles]


def _check_axes(
    axes: Any, n_samples: int, n_columns: int, layout: str
) -> np.ndarray | None:
    """The Axes as an (n_samples, n_columns) grid; ``layout`` names the panels."""
    if axes is None:
        return None
    flat = np.asarray(axes, dtype=object).ravel()
    expected = n_samples * n_columns
    if flat.size != expected:
        msg = f"axes must hold {expected} Axes, {n_samples} {layout}; got {flat.size}."
        raise ValueError(msg)
    for ax in flat:
        if not hasattr(ax, "imshow"):
            msg = f"axes must hold matplotlib Axes; got {type(ax).__name__} {ax!r}."
            raise TypeError(msg)
    return flat.reshape(n_samples, n_columns)


def _show(ax: Any, image: np.ndarray, title: str) -> None:
    ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
