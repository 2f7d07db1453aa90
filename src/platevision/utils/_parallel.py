"""Run a function over the images of X in parallel, through joblib.

Work goes through :class:`sklearn.utils.parallel.Parallel`, so scikit-learn's
configuration reaches the workers and any joblib backend works: a user who outgrows
one machine runs ``with joblib.parallel_backend("dask"): ...`` (or ``"ray"``) and
changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

__all__ = ["map_images"]


def _run_chunk(
    func: Callable[..., Any], items: Sequence[Any], start: int, kwargs: dict[str, Any]
) -> list[Any]:
    return [func(item, start + offset, **kwargs) for offset, item in enumerate(items)]


def map_images(
    func: Callable[..., Any],
    items: Sequence[Any],
    *,
    n_jobs: int | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Apply ``func(item, index, **kwargs)`` to every item, in order.

    Items are sent to the workers in a few contiguous chunks (four per worker), so
    the per-task overhead of joblib is paid a few times, not once per image.

    Parameters
    ----------
    func : callable
        Called as ``func(item, index, **kwargs)``; it must be picklable when
        ``n_jobs`` is not 1 (a module-level function).
    items : sequence
        The items of X (arrays or paths), from :func:`as_image_sequence`.
    n_jobs : int, default=None
        Number of jobs, as in scikit-learn: None means 1 unless in a
        :func:`joblib.parallel_backend` context, -1 means all processors.
    **kwargs
        Passed to ``func``.

    Returns
    -------
    results : list
        ``func``'s results in the order of ``items``.

    Examples
    --------
    >>> from platevision.utils import map_images
    >>> map_images(lambda item, index: item * index, [3, 3, 3])
    [0, 3, 6]
    """
    n_items = len(items)
    n_workers = effective_n_jobs(n_jobs)
    if n_workers == 1 or n_items < 2:
        return _run_chunk(func, items, 0, kwargs)
    n_chunks = min(n_items, 4 * n_workers)
    bounds = np.linspace(0, n_items, n_chunks + 1).astype(int)
    chunks = Parallel(n_jobs=n_jobs)(
        delayed(_run_chunk)(func, items[lo:hi], lo, kwargs)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        if hi > lo
    )
    return [result for chunk in chunks for result in chunk]
