"""Find the estimators, transformers and functions platevision makes public."""

from __future__ import annotations

import importlib
import inspect

from sklearn.base import BaseEstimator

__all__ = ["all_estimators", "all_public_names"]

#: Subpackages whose ``__all__`` is the public API.
PUBLIC_MODULES = (
    "platevision",
    "platevision.classification",
    "platevision.datasets",
    "platevision.exceptions",
    "platevision.features",
    "platevision.metrics",
    "platevision.plotting",
    "platevision.reader",
    "platevision.restoration",
    "platevision.utils",
)


def all_public_names() -> list[tuple[str, str, object]]:
    """List every public name: ``(module, name, object)``.

    Returns
    -------
    names : list of tuple
        One ``(module_name, name, object)`` per entry of each public module's
        ``__all__``, sorted.

    Examples
    --------
    >>> from platevision.utils.discovery import all_public_names
    >>> names = [(module, name) for module, name, _ in all_public_names()]
    >>> ("platevision.utils", "read_image") in names
    True
    """
    found = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            found.append((module_name, name, getattr(module, name)))
    return sorted(found, key=lambda entry: (entry[0], entry[1]))


def all_estimators() -> list[tuple[str, type]]:
    """List the estimator classes of platevision: ``(name, class)``.

    New estimators are found here automatically, so the common tests check them.

    Returns
    -------
    estimators : list of tuple
        ``(class_name, class)`` sorted by name.

    Examples
    --------
    >>> from platevision.utils.discovery import all_estimators
    >>> "HOGTransformer" in dict(all_estimators())
    True
    """
    estimators = {
        name: obj
        for _, name, obj in all_public_names()
        if inspect.isclass(obj)
        and issubclass(obj, BaseEstimator)
        and not inspect.isabstract(obj)
        and not name.startswith("_")
    }
    return sorted(estimators.items())
