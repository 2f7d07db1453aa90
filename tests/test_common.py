"""scikit-learn's estimator checks, and our own, on every estimator of the package.

platevision's estimators take images, not tables: their tags say
``two_d_array=False, three_d_array=True``, and with those tags scikit-learn's
``parametrize_with_checks`` yields no check at all. So that no check is skipped
silently, each estimator is checked through a *tabular view*: a subclass whose
only change is the tag ``two_d_array=True``. Every scikit-learn check then runs
for real; the ones that cannot apply to image input are listed below with their
reason and are expected to fail (``xfail_strict``: a listed check that starts to
pass fails the suite, so the list stays true).
"""

from __future__ import annotations

import sys

import pytest
from sklearn.base import is_classifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from platevision.utils.discovery import all_estimators
from platevision.utils.estimator_checks import _fast_params, image_estimator_checks

# Why a check cannot apply to image input. scikit-learn's checks feed 2-D tables
# (n_samples, n_features) of arbitrary floats; an image estimator rejects a 2-D
# array with "expected a stack of images (n_samples, M, N[, C]) or a list of
# images", so checks whose point is what the estimator computes on such a table
# cannot run. The checks of API contracts (cloning, parameters, repr, errors on
# bad input, not fitted, ...) do run and pass.
TABLE_INPUT = (
    "feeds a 2-D table of floats outside [0, 1]; image estimators take a stack or "
    "list of images, and reject a 2-D array by design"
)

COMMON_EXPECTED_FAILURES = {
    "check_n_features_in_after_fitting": TABLE_INPUT,
    "check_fit2d_1sample": TABLE_INPUT,
    "check_fit2d_1feature": TABLE_INPUT,
    "check_fit2d_predict1d": TABLE_INPUT,
    "check_fit_idempotent": TABLE_INPUT,
    "check_fit_check_is_fitted": TABLE_INPUT,
    "check_n_features_in": TABLE_INPUT,
    "check_estimators_dtypes": TABLE_INPUT,
    "check_dtype_object": TABLE_INPUT,
    "check_pipeline_consistency": TABLE_INPUT,
    "check_estimators_pickle": TABLE_INPUT,
    "check_estimators_overwrite_params": TABLE_INPUT,
    "check_dict_unchanged": TABLE_INPUT,
    "check_dont_overwrite_parameters": TABLE_INPUT,
    "check_methods_subset_invariance": TABLE_INPUT,
    "check_methods_sample_order_invariance": TABLE_INPUT,
    "check_readonly_memmap_input": TABLE_INPUT,
    "check_f_contiguous_array_estimator": TABLE_INPUT,
    "check_transformer_general": TABLE_INPUT,
    "check_transformer_data_not_an_array": TABLE_INPUT,
    "check_transformer_preserve_dtypes": TABLE_INPUT,
    "check_transformers_unfitted_stateless": TABLE_INPUT,
    "check_set_output_transform": TABLE_INPUT,
    "check_global_output_transform_pandas": TABLE_INPUT,
    "check_global_set_output_transform_polars": TABLE_INPUT,
    "check_set_output_transform_pandas": TABLE_INPUT,
    "check_set_output_transform_polars": TABLE_INPUT,
    "check_fit_non_negative": TABLE_INPUT,
    "check_positive_only_tag_during_fit": TABLE_INPUT,
    "check_fit_score_takes_y": TABLE_INPUT,
    "check_estimators_nan_inf": TABLE_INPUT,
    "check_estimators_fit_returns_self": TABLE_INPUT,
    "check_estimators_empty_data_messages": TABLE_INPUT,
    "check_complex_data": TABLE_INPUT,
}


def _tabular_view(estimator_class: type) -> type:
    """A module-level subclass whose tags accept 2-D input: nothing else changes."""

    def __sklearn_tags__(self):
        tags = super(view, self).__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags

    name = f"Tabular{estimator_class.__name__}"
    view = type(name, (estimator_class,), {"__sklearn_tags__": __sklearn_tags__})
    view.__module__ = __name__
    view.__qualname__ = name
    setattr(sys.modules[__name__], name, view)  # picklable by reference
    return view


# Classifiers validate y before X, so the checks that expect an error from a
# bad y or a bad X shape (complex data, one sample) pass for them.
CLASSIFIER_PASSING = {"check_complex_data", "check_fit2d_1sample"}
CLASSIFIER_EXPECTED_FAILURES = {
    "check_classifier_data_not_an_array": TABLE_INPUT,
    "check_classifiers_classes": TABLE_INPUT,
    "check_classifiers_train": TABLE_INPUT,
    "check_classifiers_train(readonly_memmap=True)": TABLE_INPUT,
    "check_classifiers_train(readonly_memmap=True,X_dtype=float32)": TABLE_INPUT,
    "check_supervised_y_2d": TABLE_INPUT,
}
# Readers validate y (the plate texts) before X too.
READER_PASSING = {"check_complex_data"}
# Only estimators with partial_fit run this check; for the others it passes.
PARTIAL_FIT_EXPECTED_FAILURES = {
    "check_estimators_partial_fit_n_features": TABLE_INPUT,
}


def _expected_failed_checks(estimator):
    if is_classifier(estimator):
        expected = {
            name: reason
            for name, reason in COMMON_EXPECTED_FAILURES.items()
            if name not in CLASSIFIER_PASSING
        }
        expected = {**expected, **CLASSIFIER_EXPECTED_FAILURES}
    else:
        expected = dict(COMMON_EXPECTED_FAILURES)
    if hasattr(estimator, "read"):
        expected = {k: v for k, v in expected.items() if k not in READER_PASSING}
    if hasattr(estimator, "partial_fit"):
        expected.update(PARTIAL_FIT_EXPECTED_FAILURES)
    if "class_weight" in estimator.get_params():
        # Only estimators with class_weight run this check.
        expected["check_class_weight_classifiers"] = TABLE_INPUT
    return expected


def _instance(name, cls):
    return cls(**_fast_params(name))


@parametrize_with_checks(
    [_tabular_view(cls)(**_fast_params(name)) for name, cls in all_estimators()],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(("name", "estimator_class"), all_estimators())
def test_tags_declare_image_input(name, estimator_class):
    tags = estimator_class().__sklearn_tags__()
    assert tags.input_tags.two_d_array is False
    assert tags.input_tags.three_d_array is True


@pytest.mark.parametrize(
    "check",
    [
        pytest.param(check, id=f"{name}-{check.func.__name__}")
        for name, cls in all_estimators()
        for check in image_estimator_checks(_instance(name, cls))
    ],
)
def test_image_input_contract(check):
    check()
