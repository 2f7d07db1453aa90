"""Estimators saved before some of their parameters existed."""

from __future__ import annotations

from typing import Any, ClassVar


class AddedParametersMixin:
    """Give an estimator restored from its state (:func:`platevision.load`,
    :func:`copy.deepcopy`) the parameters added since it was saved, at the values
    that keep its old behaviour: a class lists them in ``_parameters_added``
    (name -> value). Without them ``get_params``, ``clone`` and ``repr`` fail.

    Every object skops builds is restored this way, so the estimators a model
    holds (a fitted reader's restorer, a pipeline's steps) get theirs too.
    Put the mixin before :class:`~sklearn.base.BaseEstimator` in the bases.
    """

    _parameters_added: ClassVar[dict[str, Any]] = {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        for name, value in self._parameters_added.items():
            state.setdefault(name, value)
        super().__setstate__(state)  # type: ignore[misc]
