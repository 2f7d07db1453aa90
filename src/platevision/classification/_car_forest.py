"""CarForestClassifier: make and model of a car from its photo, by a random forest."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, check_random_state

from platevision.features._base import _check_pair
from platevision.utils._image import as_image_sequence, check_image, resize_image
from platevision.utils._parallel import map_images
from platevision.utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
)
from platevision.utils._validation import check_labels

__all__ = ["CarForestClassifier"]

# Folds of the out-of-fold linear scores the forest learns from.
_INNER_FOLDS = 5


def _prepare_car(item: Any, index: int, *, image_shape: tuple[int, int]) -> np.ndarray:
    image = check_image(item, mode="rgb", index=index)
    return resize_image(image, image_shape)


def _check_pairs(estimator: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check ``(make, model)`` pairs: every model belongs to exactly one make."""
    makes = check_labels(estimator, y[:, 0], at_least_two="cars of at least 2 makes")
    models = check_labels(estimator, y[:, 1])
    for model in np.unique(models):
        owners = np.unique(makes[models == model])
        if len(owners) > 1:
            msg = (
                f"y must give every model one make; got model {model!r} under "
                f"makes {owners.tolist()!r}."
            )
            raise ValueError(msg)
    return makes, models


class CarForestClassifier(ClassifierMixin, BaseEstimator):
    """Tell the make (and model) of a car from its photo, with a random forest.

    Each photo is resized to ``image_shape`` and described by ``features``
    (by default a Fisher vector of dense SIFT-like descriptors,
    :class:`~platevision.features.FisherVectorTransformer`), for the photo and
    for its left-right mirror image (``flip``). A random forest on thousands of
    dense features is weak, so with ``stack=True`` (the default) the forest
    learns from what ridge classifiers make of the features instead: their
    class scores, computed out of fold on the training photos (a photo's scores
    come from ridge classifiers that did not see it), averaged over the photo
    and its mirror image. The forest is the final classifier.

    ``y`` decides what is learned: 1-D labels (makes such as ``'Audi'``, or
    models such as ``'Audi A5 Coupe 2012'``) give a flat classifier; an
    ``(n_samples, 2)`` array of ``(make, model)`` pairs gives a hierarchical
    one, that predicts the make and the most probable model *of that make*.

    Read more in the :ref:`User Guide <cars>`.

    Parameters
    ----------
    features : {'fisher', 'hog'} or transformer, default='fisher'
        ``'fisher'``: :class:`~platevision.features.FisherVectorTransformer`
        (32 Gaussians on 64 PCA dimensions plus position, 4,224 features);
        ``'hog'``: :class:`~platevision.features.HOGTransformer` with 8 x 8
        cells. Any transformer taking images (or a
        :class:`~sklearn.pipeline.FeatureUnion` of them) may be given; it is
        cloned and fitted on the training photos.
    image_shape : tuple of (int, int), default=(128, 256)
        Rows and columns every photo is resized to (cars are about twice as
        wide as high).
    flip : bool, default=True
        Also learn from the mirror image of each training photo, and average
        the scores of each photo and its mirror image.
    stack : bool, default=True
        Feed the forest out-of-fold ridge scores of the features (True) or the
        features themselves (False, the plain forest).
    n_estimators : int, default=300
        Trees in the forest.
    max_depth : int, default=None
        Maximum depth of a tree; None grows trees until leaves are pure.
    min_samples_leaf : int or float, default=1
        Minimum number (or fraction) of samples in a leaf.
    max_features : {'sqrt', 'log2'}, int, float or None, default='sqrt'
        Features considered at each split, as in
        :class:`~sklearn.ensemble.RandomForestClassifier`.
    class_weight : {'balanced', 'balanced_subsample'}, dict or None, default=None
        Class weights, as in :class:`~sklearn.ensemble.RandomForestClassifier`.
    oob_score : bool, default=False
        Estimate the accuracy on out-of-bag samples (``oob_score_``).
    random_state : int, RandomState instance or None, default=None
        Seeds the features' fit, the folds and the forest.
    n_jobs : int, default=None
        Jobs for the photos' features and the forest (joblib; ``None`` means 1
        unless in a :func:`joblib.parallel_backend` context).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of 2 ndarrays
        The labels (1-D ``y``) or ``[makes, models]`` (pairs).
    features_ : transformer
        The fitted feature transformer.
    forest_ : RandomForestClassifier
        The fitted forest.
    feature_importances_ : ndarray of shape (n_features,)
        Importance of each of the features' outputs, summing to 1. With
        ``stack=True`` the forest's importance of each ridge score is shared
        among the features by their contributions to it (absolute coefficient
        times the feature's standard deviation).
    oob_score_ : float
        Out-of-bag accuracy of the forest (with ``oob_score=True``; for pairs,
        the mean over make and model).

    See Also
    --------
    platevision.features.FisherVectorTransformer : The default features.
    platevision.plotting.plot_feature_importances : Where the forest looks.
    sklearn.ensemble.RandomForestClassifier : The forest.

    Notes
    -----
    On the 1,367 photos of 10 makes of ``load_cars`` (5-fold stratified
    cross-validation, ``benchmarks/cars.py``) the defaults reach 0.532 make
    accuracy learning the makes and 0.564 (top-3 0.830) learning ``(make,
    model)`` pairs, against 0.224 for a random forest on HOG features. Fitting
    costs one feature extraction per photo and mirror image, 6 ridge fits per
    level and the forest; predicting costs two feature extractions (photo and
    mirror image) and the ridge and forest evaluations.

    Examples
    --------
    >>> import numpy as np
    >>> from platevision.classification import CarForestClassifier
    >>> rng = np.random.default_rng(0)
    >>> rows, cols = np.indices((32, 64))
    >>> stripes = {"A4": rows // 2 % 2, "A5": rows // 4 % 2, "X3": cols // 2 % 2}
    >>> y = np.array([["Audi", "A4"]] * 6 + [["Audi", "A5"]] * 6
    ...              + [["BMW", "X3"]] * 12)
    >>> X = np.stack([stripes[model] * 0.6 + rng.random((32, 64)) * 0.4
    ...               for model in y[:, 1]])
    >>> clf = CarForestClassifier(image_shape=(32, 64), n_estimators=20,
    ...                           flip=False, random_state=0).fit(X, y)
    >>> clf.predict(X[[0, 23]]).tolist()
    [['Audi', 'A4'], ['BMW', 'X3']]
    >>> clf.predict_top_k(X[[0]], k=2, level="make").tolist()
    [['Audi', 'BMW']]
    >>> flat = CarForestClassifier(image_shape=(32, 64), n_estimators=20,
    ...                            random_state=0).fit(X, y[:, 0])
    >>> flat.score(X, y[:, 0])
    1.0
    """

    _parameter_constraints: dict[str, Any] = {
        "features": [
            StrOptions({"fisher", "hog"}),
            HasMethods(["fit", "transform"]),
        ],
        "image_shape": [tuple, list],
        "flip": ["boolean"],
        "stack": ["boolean"],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0.0, 1.0, closed="neither"),
        ],
        "max_features": [
            StrOptions({"sqrt", "log2"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0.0, 1.0, closed="right"),
            None,
        ],
        "class_weight": [
            StrOptions({"balanced", "balanced_subsample"}),
            dict,
            None,
        ],
        "oob_score": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        features: Any = "fisher",
        *,
        image_shape: tuple[int, int] = (128, 256),
        flip: bool = True,
        stack: bool = True,
        n_estimators: int = 300,
        max_depth: int | None = None,
        min_samples_leaf: int | float = 1,
        max_features: Any = "sqrt",
        class_weight: Any = None,
        oob_score: bool = False,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.features = features
        self.image_shape = image_shape
        self.flip = flip
        self.stack = stack
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.class_weight = class_weight
        self.oob_score = oob_score
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ------------------------------------------------------------ helpers

    def _make_features(self, image_shape: tuple[int, int], seed: int) -> Any:
        from platevision.features import FisherVectorTransformer, HOGTransformer

        if self.features == "fisher":
            return FisherVectorTransformer(
                image_shape, random_state=seed, n_jobs=self.n_jobs
            )
        if self.features == "hog":
            return HOGTransformer(image_shape, n_jobs=self.n_jobs)
        return clone(self.features)

    def _prepare(self, X: Any) -> list[np.ndarray]:
        return map_images(
            _prepare_car,
            as_image_sequence(X),
            n_jobs=self.n_jobs,
            image_shape=self._image_shape,
        )

    def _describe(self, images: list[np.ndarray]) -> tuple[np.ndarray, Any]:
        """Features of the photos and (with ``flip``) of their mirror images."""
        F = np.asarray(self.features_.transform(images), dtype=np.float64)
        if not self.flip:
            return F, None
        mirrored = [np.ascontiguousarray(image[:, ::-1]) for image in images]
        return F, np.asarray(self.features_.transform(mirrored), dtype=np.float64)

    def _scores(self, ridge: Any, F: np.ndarray, FF: Any, classes: Any) -> np.ndarray:
        """Ridge scores over ``classes`` (0 for classes it never saw)."""
        scores = ridge.decision_function(F)
        if FF is not None:
            scores = (scores + ridge.decision_function(FF)) / 2
        scores = scores.reshape(len(F), -1)
        if len(ridge.classes_) == 2:
            scores = np.hstack([-scores, scores])
        out = np.zeros((len(F), len(classes)))
        out[:, np.searchsorted(classes, ridge.classes_)] = scores
        return out

    def _fit_ridge(self, F: np.ndarray, FF: Any, y: np.ndarray) -> Any:
        from sklearn.linear_model import RidgeClassifier

        if FF is not None:
            F, y = np.vstack([F, FF]), np.concatenate([y, y])
        return RidgeClassifier(alpha=1.0).fit(F, y)

    def _stack_inputs(
        self, F: np.ndarray, FF: Any, targets: list[np.ndarray], rng: Any
    ) -> np.ndarray:
        """Out-of-fold ridge scores of every level; refit the ridges on all."""
        from sklearn.model_selection import KFold, StratifiedKFold

        first = targets[0]
        smallest = int(np.unique(first, return_counts=True)[1].min())
        n_splits = min(_INNER_FOLDS, len(first))
        seed = int(rng.randint(np.iinfo(np.int32).max))
        if smallest >= n_splits:
            folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
        else:
            folds = KFold(n_splits, shuffle=True, random_state=seed)
        classes = [np.unique(t) for t in targets]
        oof = [np.zeros((len(first), len(c))) for c in classes]
        for train, test in folds.split(F, first):
            for level, target in enumerate(targets):
                if len(np.unique(target[train])) < 2:
                    continue
                ridge = self._fit_ridge(
                    F[train], None if FF is None else FF[train], target[train]
                )
                oof[level][test] = self._scores(
                    ridge, F[test], None if FF is None else FF[test], classes[level]
                )
        self.ridges_ = [self._fit_ridge(F, FF, target) for target in targets]
        self._ridge_classes = classes
        return np.hstack(oof)

    def _forest_inputs(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        images = self._prepare(X)
        F, FF = self._describe(images)
        if not self.stack:
            return F
        return np.hstack(
            [
                self._scores(ridge, F, FF, classes)
                for ridge, classes in zip(
                    self.ridges_, self._ridge_classes, strict=True
                )
            ]
        )

    # ---------------------------------------------------------------- fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any) -> CarForestClassifier:
        """Learn the features, the ridge scores and the forest from car photos.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Car photos, in the package's image convention (ideally cropped to
            the car).
        y : array-like of shape (n_samples,) or (n_samples, 2)
            The make or model of each car, or its ``(make, model)`` pair; a
            model must always come with the same make.

        Returns
        -------
        self : CarForestClassifier
            The fitted classifier.
        """
        from sklearn.ensemble import RandomForestClassifier

        y_array = np.asarray(y, dtype=object) if y is not None else None
        if y_array is not None and y_array.ndim == 2 and y_array.shape[1] == 2:
            targets = list(_check_pairs(self, y_array))
        elif y_array is not None and y_array.ndim == 2 and y_array.shape[1] != 1:
            msg = (
                "y must be 1-D labels or (make, model) pairs of shape "
                f"(n_samples, 2); got shape {y_array.shape}."
            )
            raise ValueError(msg)
        else:
            targets = [check_labels(self, y, at_least_two="cars of at least 2 kinds")]
        _check_pair(self.image_shape, "image_shape", type(self).__name__)
        self._image_shape = (int(self.image_shape[0]), int(self.image_shape[1]))
        rng = check_random_state(self.random_state)
        images = self._prepare(X)
        if len(targets[0]) != len(images):
            msg = (
                f"y must hold one label per image ({len(images)}); got "
                f"{len(targets[0])}."
            )
            raise ValueError(msg)
        self._hierarchical = len(targets) == 2
        seed = int(rng.randint(np.iinfo(np.int32).max))
        self.features_ = self._make_features(self._image_shape, seed).fit(images)
        F, FF = self._describe(images)
        self._n_features = F.shape[1]
        self._scale = F.std(axis=0)
        if self.stack:
            Z, y_forest = self._stack_inputs(F, FF, targets, rng), targets
        elif FF is not None:
            Z = np.vstack([F, FF])
            y_forest = [np.concatenate([t, t]) for t in targets]
        else:
            Z, y_forest = F, targets
        y_fit = np.column_stack(y_forest) if self._hierarchical else y_forest[0]
        self.forest_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            class_weight=self.class_weight,
            oob_score=self.oob_score,
            random_state=rng,
            n_jobs=self.n_jobs,
        ).fit(Z, y_fit)
        self.classes_ = self.forest_.classes_
        if self._hierarchical:
            makes, models = targets
            self._model_make = np.array(
                [makes[np.flatnonzero(models == m)[0]] for m in self.classes_[1]],
                dtype=object,
            )
        if self.oob_score:
            self.oob_score_ = float(self.forest_.oob_score_)
        return self

    @property
    def feature_importances_(self) -> np.ndarray:
        """Importance of each feature of ``features_``, summing to 1."""
        check_is_fitted(self)
        importances = self.forest_.feature_importances_
        if not self.stack:
            return np.asarray(importances)
        out = np.zeros(self._n_features)
        start = 0
        for ridge in self.ridges_:
            coef = np.atleast_2d(ridge.coef_)
            width = len(ridge.classes_)
            block = importances[start : start + width]
            start += width
            if coef.shape[0] == 1:  # binary: one score, shown as two columns
                block = np.array([block.sum()])
            share = np.abs(coef) * self._scale
            totals = share.sum(axis=1, keepdims=True)
            share = np.divide(share, totals, out=np.zeros_like(share), where=totals > 0)
            out += block @ share
        total = out.sum()
        return out / total if total > 0 else out

    # ------------------------------------------------------------ predict

    def _proba(self, Z: np.ndarray) -> list[np.ndarray]:
        proba = self.forest_.predict_proba(Z)
        return proba if isinstance(proba, list) else [proba]

    def predict_proba(self, X: Any) -> Any:
        """Probability of each class: the share of the trees' votes.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Car photos.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or list of 2 ndarrays
            Columns follow ``classes_``; for pairs, ``[make_proba,
            model_proba]``.
        """
        proba = self._proba(self._forest_inputs(X))
        return proba if self._hierarchical else proba[0]

    def _hierarchy(self, proba: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Makes by their own probability, then the best model of each make."""
        make_proba, model_proba = proba
        makes = self.classes_[0][np.argmax(make_proba, axis=1)]
        allowed = self._model_make[np.newaxis, :] == makes[:, np.newaxis]
        masked = np.where(allowed, model_proba, -1.0)
        models = self.classes_[1][np.argmax(masked, axis=1)]
        return makes, models

    def predict(self, X: Any) -> np.ndarray:
        """Name the make (or model) of the car in each photo.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Car photos.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, 2)
            Labels, or for pairs ``(make, model)``: the most probable make and
            the most probable model of that make.
        """
        proba = self._proba(self._forest_inputs(X))
        if not self._hierarchical:
            return self.classes_[np.argmax(proba[0], axis=1)]
        makes, models = self._hierarchy(proba)
        return np.column_stack([makes, models])

    def predict_top_k(self, X: Any, k: int = 3, *, level: str | None = None) -> Any:
        """The ``k`` most probable labels of each photo, most probable first.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Car photos.
        k : int, default=3
            Number of labels; at most the number of classes.
        level : {'make', 'model'}, default=None
            For pairs, which level to rank (None means 'make'); ignored for
            1-D labels.

        Returns
        -------
        top_k : ndarray of shape (n_samples, k)
            Labels, most probable first.
        """
        check_is_fitted(self)
        if level not in (None, "make", "model"):
            msg = f"level must be 'make', 'model' or None; got {level!r}."
            raise ValueError(msg)
        index = 1 if (self._hierarchical and level == "model") else 0
        classes = self.classes_[index] if self._hierarchical else self.classes_
        if (
            not isinstance(k, Integral)
            or isinstance(k, bool)
            or not (1 <= k <= len(classes))
        ):
            msg = f"k must be an int in [1, {len(classes)}] (the classes); got {k!r}."
            raise ValueError(msg)
        proba = self._proba(self._forest_inputs(X))[index]
        order = np.argsort(-proba, axis=1, kind="stable")[:, : int(k)]
        return classes[order]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy of :meth:`predict`; for pairs, both make and model right.

        Parameters
        ----------
        X : sequence of images or paths, or (n_samples, M, N[, C]) ndarray
            Car photos.
        y : array-like of shape (n_samples,) or (n_samples, 2)
            True labels, in the form used in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            The (weighted) fraction of photos named right.
        """
        y_pred = self.predict(X)
        y_true = np.asarray(y, dtype=object)
        if y_true.shape != y_pred.shape:
            msg = f"y must have shape {y_pred.shape} (as predict); got {y_true.shape}."
            raise ValueError(msg)
        right = (y_true == y_pred.astype(object)).reshape(len(y_pred), -1).all(axis=1)
        return float(np.average(right, weights=sample_weight))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
