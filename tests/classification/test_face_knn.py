"""Tests of FaceKNNClassifier and detect_faces."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter
from sklearn.base import BaseEstimator, TransformerMixin, clone

from platevision.classification import FaceKNNClassifier, detect_faces
from platevision.exceptions import FaceNotFoundWarning
from platevision.features import HOGTransformer


def _synthetic_faces(n_people=4, n_each=4, shape=(28, 24), noise=0.04, seed=0):
    """Random 'faces': one smooth random pattern per person, plus noise per photo.

    Smooth, as faces are: LBP histograms of white noise are all alike.
    """
    rng = np.random.default_rng(seed)
    people = gaussian_filter(rng.random((n_people, *shape)), (0, 1.5, 1.5))
    people = (people - people.min()) / np.ptp(people)
    index = np.repeat(np.arange(n_people), n_each)
    X = np.clip(people[index] + rng.normal(0, noise, (len(index), *shape)), 0, 1)
    y = np.array([f"p{i}" for i in index])
    return X, y, people


@pytest.fixture
def small():
    return dict(face_size=(28, 24))


def test_recognises_synthetic_people(small):
    X, y, people = _synthetic_faces()
    clf = FaceKNNClassifier(**small).fit(X, y)
    assert clf.classes_.tolist() == ["p0", "p1", "p2", "p3"]
    assert clf.predict(people).tolist() == ["p0", "p1", "p2", "p3"]
    proba = clf.predict_proba(people)
    assert proba.shape == (4, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) == 1.0


@pytest.mark.parametrize("features", ["lbp", "hog", "both"])
@pytest.mark.parametrize("metric", ["hellinger", "chi2", "euclidean", "cosine"])
def test_features_and_metrics(small, features, metric):
    X, y, people = _synthetic_faces()
    clf = FaceKNNClassifier(features, metric=metric, **small).fit(X, y)
    assert clf.predict(people).tolist() == ["p0", "p1", "p2", "p3"]


def test_transformer_instance_is_cloned(small):
    X, y, _ = _synthetic_faces()
    hog = HOGTransformer(image_shape=(28, 24), pixels_per_cell=(7, 6))
    clf = FaceKNNClassifier(hog, **small).fit(X, y)
    assert clf.features is hog
    assert clf.features_ is not hog


def test_kneighbors_shapes_and_distance_weights(small):
    X, y, people = _synthetic_faces()
    clf = FaceKNNClassifier(n_neighbors=3, weights="distance", **small).fit(X, y)
    distances, indices = clf.kneighbors(people)
    assert distances.shape == indices.shape == (4, 3)
    assert np.all(np.diff(distances, axis=1) >= 0)
    assert (y[indices[:, 0]] == clf.classes_).all()
    assert clf.kneighbors(people, n_neighbors=5, return_distance=False).shape == (4, 5)
    nearest = clf.distance_to_nearest(people)
    np.testing.assert_allclose(nearest, distances[:, 0])
    with pytest.raises(ValueError, match="n_neighbors must be at most"):
        clf.kneighbors(people, n_neighbors=100)


def test_kneighbors_of_the_enrolled_faces_leaves_each_out(small):
    X, y, _ = _synthetic_faces()
    clf = FaceKNNClassifier(**small).fit(X, y)
    distances, indices = clf.kneighbors(n_neighbors=3)
    assert indices.shape == distances.shape == (len(X), 3)
    assert not (indices == np.arange(len(X))[:, np.newaxis]).any()
    # The same as querying each face against a gallery without it.
    for i in (0, 7):
        rest = np.delete(np.arange(len(X)), i)
        other = FaceKNNClassifier(**small).fit(X[rest], y[rest])
        d, j = other.kneighbors(X[i : i + 1], n_neighbors=3)
        np.testing.assert_allclose(distances[i], d[0], rtol=1e-6)
        np.testing.assert_array_equal(indices[i], rest[j[0]])
    with pytest.raises(ValueError, match=r"other than the query \(15\); got 16"):
        clf.kneighbors(n_neighbors=16)


def test_auto_threshold_rejects_strangers(small):
    X, y, people = _synthetic_faces(n_people=6)
    known = np.isin(y, ["p0", "p1", "p2", "p3"])
    clf = FaceKNNClassifier(unknown_threshold="auto", **small)
    clf.fit(X[known], y[known])
    assert clf.threshold_ > 0
    pred = clf.predict(people)
    assert pred[:4].tolist() == ["p0", "p1", "p2", "p3"]
    assert pred[4:].tolist() == ["unknown", "unknown"]
    assert "unknown" not in clf.classes_


@pytest.mark.parametrize("metric", ["hellinger", "chi2", "cosine"])
def test_ratio_score_is_nearest_over_nearest_other_person(small, metric):
    X, y, people = _synthetic_faces(n_people=5, noise=0.08)
    strangers = _synthetic_faces(n_people=3, seed=1)[2]
    queries = np.concatenate([people, strangers])
    clf = FaceKNNClassifier(metric=metric, unknown_threshold="auto", **small)
    clf.fit(X, y)
    assert clf.rejection_ == "ratio"
    distances, indices = clf.kneighbors(queries, n_neighbors=len(X))
    nearest_person = y[indices[:, 0]]
    other = np.array(
        [
            d[y[i] != p][0]
            for d, i, p in zip(distances, indices, nearest_person, strict=True)
        ]
    )
    expected = distances[:, 0] / other
    score = clf.rejection_score(queries)
    np.testing.assert_allclose(score, expected, rtol=1e-6)
    assert np.all((score >= 0) & (score <= 1))
    pred = clf.predict(queries)
    np.testing.assert_array_equal(pred == "unknown", score > clf.threshold_)


@pytest.mark.parametrize("rejection", ["ratio", "distance"])
def test_auto_threshold_is_the_quantile_of_left_out_people(small, rejection):
    X, y, _ = _synthetic_faces(n_people=5, noise=0.08)
    clf = FaceKNNClassifier(
        unknown_threshold="auto", rejection=rejection, target_far=0.2, **small
    ).fit(X, y)
    assert clf.rejection_ == rejection
    # Each training face scored against the other people only, as a stranger.
    strangers = []
    for person in np.unique(y):
        others = clone(clf).set_params(unknown_threshold=None)
        others.fit(X[y != person], y[y != person])
        strangers.append(others.rejection_score(X[y == person]))
    expected = np.quantile(np.concatenate(strangers), 0.2, method="lower")
    assert clf.threshold_ == pytest.approx(expected, rel=1e-6)


def test_ratio_needs_three_people_and_falls_back_to_distance(small):
    X, y, people = _synthetic_faces(n_people=2)
    clf = FaceKNNClassifier(unknown_threshold="auto", **small).fit(X, y)
    assert clf.rejection_ == "distance"
    np.testing.assert_allclose(
        clf.rejection_score(people), clf.distance_to_nearest(people)
    )
    assert clf.predict(people).tolist() == ["p0", "p1"]
    # A third person enrolled: the ratio is learned again.
    X3, y3, _ = _synthetic_faces(n_people=3)
    clf.partial_fit(X3[y3 == "p2"], y3[y3 == "p2"])
    assert clf.rejection_ == "ratio"


def test_fixed_threshold_and_unknown_label(small):
    X, y, people = _synthetic_faces()
    y_int = np.repeat(np.arange(4), 4)
    clf = FaceKNNClassifier(unknown_threshold=0.0, unknown_label=-1, **small)
    assert clf.fit(X, y_int).predict(people).tolist() == [-1, -1, -1, -1]
    clf.set_params(unknown_threshold=1e9).fit(X, y_int)
    assert clf.predict(people).tolist() == [0, 1, 2, 3]


def test_partial_fit_enrols_a_new_person(small):
    X, y, people = _synthetic_faces(n_people=5)
    first = y != "p4"
    clf = FaceKNNClassifier(unknown_threshold="auto", **small)
    clf.fit(X[first], y[first])
    assert clf.predict(people[4:]).tolist() == ["unknown"]
    clf.partial_fit(X[~first], y[~first])
    assert clf.classes_.tolist() == ["p0", "p1", "p2", "p3", "p4"]
    assert clf.n_enrolled_ == len(X)
    assert clf.predict(people).tolist() == ["p0", "p1", "p2", "p3", "p4"]
    # Before any fit, partial_fit is fit.
    fresh = FaceKNNClassifier(**small).partial_fit(X, y)
    assert fresh.n_enrolled_ == len(X)


def test_flat_and_odd_images(small):
    X, y, _ = _synthetic_faces()
    clf = FaceKNNClassifier(unknown_threshold="auto", **small).fit(X, y)
    odd = [
        np.zeros((28, 24)),  # flat black
        np.ones((5, 3)),  # tiny, flat white
        np.full((300, 17, 3), 128, dtype=np.uint8),  # colour, odd shape
        (np.arange(40 * 30).reshape(40, 30) % 256).astype(np.uint8),
    ]
    pred = clf.predict(odd)
    assert len(pred) == 4
    assert np.all(np.isfinite(clf.predict_proba(odd)))
    assert np.all(np.isfinite(clf.distance_to_nearest(odd)))


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"features": "sift"}, ValueError, "'features' parameter"),
        ({"features": 3}, ValueError, "'features' parameter"),
        ({"face_size": (4, 4)}, ValueError, "'face_size' parameter"),
        # HOG's 2 x 2 cells of 8 pixels: the error names face_size, not HOG's.
        ({"features": "hog", "face_size": (8, 8)}, ValueError, "'face_size'.*16"),
        ({"illumination": "retinex"}, ValueError, "'illumination' parameter"),
        ({"n_neighbors": 0}, ValueError, "'n_neighbors' parameter"),
        ({"weights": "rank"}, ValueError, "'weights' parameter"),
        ({"metric": "manhattan"}, ValueError, "'metric' parameter"),
        ({"unknown_threshold": -1.0}, ValueError, "'unknown_threshold' parameter"),
        ({"unknown_threshold": "median"}, ValueError, "'unknown_threshold'"),
        ({"target_far": 1.5}, ValueError, "'target_far' parameter"),
        ({"detect": "yes"}, ValueError, "'detect' parameter"),
    ],
)
def test_bad_params(small, params, error, match):
    X, y, _ = _synthetic_faces()
    with pytest.raises(error, match=match):
        FaceKNNClassifier(**{**small, **params}).fit(X, y)


def test_bad_targets(small):
    X, y, _ = _synthetic_faces()
    with pytest.raises(ValueError, match="at least 2 people"):
        FaceKNNClassifier(**small).fit(X, ["a"] * len(X))
    # A person enrolled as unknown_label could not be told from a stranger.
    labels = ["unknown", "a"] * (len(X) // 2) + ["a"] * (len(X) % 2)
    with pytest.raises(ValueError, match="y holds unknown_label 'unknown'"):
        FaceKNNClassifier(**small).fit(X, labels)
    clf = FaceKNNClassifier(**small).fit(X, y)
    with pytest.raises(ValueError, match="y holds unknown_label 'unknown'"):
        clf.partial_fit(X[:1], ["unknown"])
    FaceKNNClassifier(**small, unknown_label=-1).fit(X, labels)  # fine then
    # Labels of another kind than those enrolled (NumPy would make 1 '1').
    kind = "numbers" if np.asarray(y).dtype.kind in "iu" else "strings"
    other = ["z"] if kind == "numbers" else [1]
    with pytest.raises(TypeError, match=f"fitted with .{kind}.; got"):
        clf.partial_fit(X[:1], other)
    assert len(clf.classes_) == len(np.unique(y))
    # The class as the user wrote it, not NumPy's repr of it (np.str_('a')).
    with pytest.raises(ValueError, match=r"got 1 class: 'a'\.$"):
        FaceKNNClassifier(**small).fit(X, np.array(["a"] * len(X)))
    with pytest.raises(ValueError, match="one label per image"):
        FaceKNNClassifier(**small).fit(X, y[:-1])
    with pytest.raises(ValueError, match="requires y"):
        FaceKNNClassifier(**small).fit(X, None)


def test_no_face_with_detect_predicts_unknown_and_warns(small):
    X, y, _ = _synthetic_faces()
    clf = FaceKNNClassifier(detect=True, **small)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(X, y)  # random patterns hold no face: each is used whole
    assert len(caught) == len(X)
    assert all(w.category is FaceNotFoundWarning for w in caught)
    assert "no face found in X[0]; used whole for training" in str(caught[0].message)
    # Each names its item for a program too, and points at the caller's line
    # (not at scikit-learn's fit wrapper).
    assert [w.message.index for w in caught] == list(range(len(X)))
    assert caught[0].message.reason == "used whole for training"
    assert {w.filename for w in caught} == {__file__}
    blank = np.full((1, 80, 80), 0.5)
    with pytest.warns(FaceNotFoundWarning, match=r"X\[0\].*unknown_label") as warned:
        assert clf.predict(blank).tolist() == ["unknown"]
    assert warned[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FaceNotFoundWarning)
        assert clf.distance_to_nearest(blank).tolist() == [np.inf]


def test_detect_faces_finds_the_astronaut():
    from skimage import data

    boxes = detect_faces(data.astronaut(), min_size=(60, 60))
    assert boxes.shape[1] == 4
    assert len(boxes) >= 1
    row, col, height, width = boxes[0]
    assert 40 < row < 110
    assert 140 < col < 210
    assert detect_faces(np.zeros((10, 10))).shape == (0, 4)
    with pytest.raises(ValueError, match="scale_factor must be a float > 1"):
        detect_faces(data.astronaut(), scale_factor=1.0)


def test_clone_keeps_params():
    clf = FaceKNNClassifier("hog", n_neighbors=3, unknown_threshold="auto")
    assert clone(clf).get_params() == clf.get_params()


# ------------------------------------------------------------ real faces (ORL)


@pytest.fixture(scope="module")
def orl(shared_data):
    from platevision.datasets import load_faces

    faces = load_faces(data_home=shared_data, load_images=True)
    return np.stack(faces.images), faces.target


def _half_split(y, seed=0):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for person in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == person))
        train += list(members[:5])
        test += list(members[5:])
    return np.array(train), np.array(test)


def test_orl_closed_set_accuracy(orl):
    X, y = orl
    train, test = _half_split(y)
    clf = FaceKNNClassifier(n_jobs=2).fit(X[train], y[train])
    assert clf.score(X[test], y[test]) >= 0.9


def test_orl_strangers_are_mostly_rejected(orl):
    X, y = orl
    people = np.unique(y)
    rng = np.random.default_rng(0)
    known_people = rng.permutation(people)[:30]
    known = np.isin(y, known_people)
    train, test = _half_split(y)
    train = train[known[train]]
    clf = FaceKNNClassifier(unknown_threshold="auto").fit(X[train], y[train])
    stranger_pred = clf.predict(X[~known])
    assert np.mean(stranger_pred == "unknown") >= 0.8
    known_test = test[known[test]]
    assert np.mean(clf.predict(X[known_test]) == y[known_test]) >= 0.8


def _light_from_one_side(images, darkest=0.2):
    """Multiply each face by a left-to-right ramp from ``darkest`` to 1."""
    ramp = np.linspace(darkest, 1.0, images.shape[2])
    return np.rint(images * ramp[np.newaxis, np.newaxis, :]).astype(np.uint8)


def test_orl_faces_lit_from_one_side(orl):
    X, y = orl
    train, test = _half_split(y)
    relit = _light_from_one_side(X[test])
    scores = {
        ill: FaceKNNClassifier(illumination=ill)
        .fit(X[train], y[train])
        .score(relit, y[test])
        for ill in ("both", None)
    }
    # The normalised view keeps most faces recognisable; the face as it is
    # loses more of them (measured: 0.97 against 0.93 over 5 splits).
    assert scores["both"] >= 0.93
    assert scores["both"] > scores[None]


def test_synthetic_faces_lit_from_one_side(small):
    X, y, people = _synthetic_faces(n_people=6, noise=0.03)
    queries = np.clip(people * np.linspace(0.15, 1.0, people.shape[2]), 0, 1)
    clf = FaceKNNClassifier(**small).fit(X, y)
    assert clf.predict(queries).tolist() == [f"p{i}" for i in range(6)]


class _Centre(TransformerMixin, BaseEstimator):
    """Flattened images minus their training mean: a transformer that learns."""

    def fit(self, X, y=None):
        self.mean_ = np.mean([np.ravel(x) for x in X], axis=0)
        return self

    def transform(self, X):
        return np.array([np.ravel(x) for x in X]) - self.mean_


def test_each_view_has_transformers_fitted_on_it(small):
    X, y, _ = _synthetic_faces()
    clf = FaceKNNClassifier(_Centre(), metric="euclidean", **small).fit(X, y)
    assert clf.illumination == "both"
    as_is, normalised = (views[0] for views in clf._view_features)
    assert as_is is not normalised
    assert not np.allclose(as_is.mean_, normalised.mean_)
    # Centred on its own view's mean, every part of the training features is 0
    # on average (a transformer fitted on the other view would leave an offset).
    np.testing.assert_allclose(clf._fit_Z.mean(axis=0), 0.0, atol=1e-12)


def test_identify_is_the_four_answers_in_one_pass(small):
    X, y, people = _synthetic_faces(n_people=5, noise=0.08)
    clf = FaceKNNClassifier(unknown_threshold="auto", **small).fit(X, y)
    queries = np.concatenate([people, _synthetic_faces(seed=3)[2]])
    answers, proba, distance, score = clf._identify(queries)
    np.testing.assert_array_equal(answers, clf.predict(queries))
    np.testing.assert_allclose(proba, clf.predict_proba(queries))
    np.testing.assert_allclose(distance, clf.distance_to_nearest(queries))
    np.testing.assert_allclose(score, clf.rejection_score(queries))
