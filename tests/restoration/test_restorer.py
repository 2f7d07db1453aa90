"""PlateCharacterRestorer: reading, probabilities, restoration, robustness."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sklearn
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from platevision.datasets import damage_characters, make_plate_characters
from platevision.exceptions import PlatevisionWarning
from platevision.restoration import PlateCharacterRestorer, Reading, _restorer
from platevision.restoration._tiles import _percentiles, ink_extent, make_tile
from platevision.utils._image import resize_image


@pytest.fixture(scope="module")
def train():
    return make_plate_characters(8, random_state=0)


@pytest.fixture(scope="module")
def test_set():
    return make_plate_characters(4, random_state=1)


@pytest.fixture(scope="module")
def restorer(train):
    model = PlateCharacterRestorer(n_augment=2, random_state=0, n_jobs=2)
    return model.fit(train.images, train.target)


def test_reads_clean_and_damaged_synthetic_characters(restorer, test_set):
    assert restorer.score(test_set.images, test_set.target) >= 0.85
    broken, masks = damage_characters(
        test_set.images, kind="chips", severity=0.4, random_state=0
    )
    auto = restorer.score(broken, test_set.target)
    known = restorer.score(broken, test_set.target, masks=masks)
    assert auto >= 0.7
    assert known >= 0.7


def test_probabilities_are_ordered_and_sum_to_one(restorer, test_set):
    proba = restorer.predict_proba(test_set.images)
    assert proba.shape == (len(test_set.target), 36)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(restorer.classes_) == sorted(restorer.classes_)
    np.testing.assert_array_equal(
        restorer.classes_[proba.argmax(axis=1)], restorer.predict(test_set.images)
    )


def test_clean_tiles_get_one_confident_reading(restorer, test_set):
    picks = [i for i, c in enumerate(test_set.target) if c in "AKMWX"]
    proba = restorer.predict_proba(test_set.images[picks])
    assert np.median(proba.max(axis=1)) > 0.8


def test_dark_characters_on_a_dim_grey_plate_read_as_in_daylight(restorer, test_set):
    # Background 0.42, ink 0.05: every pixel is under 0.5, yet the characters
    # are the dark ones (the border shows the plate).
    dim = 0.05 + 0.37 * test_set.images
    bright = restorer.predict(test_set.images)
    assert np.mean(restorer.predict(dim) == bright) >= 0.95
    assert restorer.score(dim, test_set.target) >= 0.85


def test_light_characters_on_a_dark_plate_read_as_dark_on_light(restorer, test_set):
    # Background 0.58, ink 0.95: every pixel is over 0.5.
    light = 0.95 - 0.37 * test_set.images
    bright = restorer.predict(test_set.images)
    assert np.mean(restorer.predict(light) == bright) >= 0.95


def test_a_dark_edge_over_the_border_does_not_invert_the_tile(restorer, test_set):
    # A dark bracket along the left and top edges darkens over half of the
    # border (its median turns dark); the character inside is whole. Which way
    # round the tile is must then be read from the tile, not from the border.
    framed = np.array(test_set.images, copy=True)
    framed[:, :, :3] = 0.0
    framed[:, :1, :] = 0.0
    assert restorer.score(framed, test_set.target) >= 0.7


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 12)),
        elements=st.floats(0.0, 1.0),
    )
)
def test_tile_percentiles_are_numpys(values):
    np.testing.assert_allclose(
        _percentiles(values, 2.0, 98.0), np.percentile(values, [2.0, 98.0]), atol=1e-12
    )


def test_told_ink_reads_every_tile_that_way(train, test_set):
    dark = PlateCharacterRestorer(
        ink="dark", n_augment=1, n_proposals=1, random_state=0
    )
    dark.fit(train.images, train.target)
    framed = np.array(test_set.images, copy=True)
    framed[:, :, :3] = 0.0
    framed[:, :1, :] = 0.0
    assert dark.score(framed, test_set.target) >= 0.8
    light = PlateCharacterRestorer(
        ink="light", n_augment=1, n_proposals=1, random_state=0
    )
    light.fit(1.0 - train.images, train.target)
    assert light.score(1.0 - test_set.images, test_set.target) >= 0.85
    # Told the wrong way round, it reads the background as the character.
    assert light.score(test_set.images, test_set.target) < 0.5


def test_readings_carry_restorations_of_the_tile_shape(restorer, test_set):
    broken, _ = damage_characters(
        test_set.images[:3], kind="occlusion", severity=0.6, random_state=0
    )
    readings = restorer.readings(broken, top_k=4)
    assert len(readings) == 3
    for tile, tile_readings in zip(broken, readings, strict=True):
        assert len(tile_readings) == 4
        assert all(isinstance(r, Reading) for r in tile_readings)
        probabilities = [r.probability for r in tile_readings]
        assert probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1.0 + 1e-9
        assert {r.character for r in tile_readings} <= set(restorer.classes_)
        for r in tile_readings:
            assert r.restored.shape == tile.shape
            assert r.restored.min() >= 0.0
            assert r.restored.max() <= 1.0
        # each reading has its own restoration
        assert not np.allclose(tile_readings[0].restored, tile_readings[1].restored)


def test_restore_keeps_pixels_outside_a_known_mask(restorer, test_set):
    broken, masks = damage_characters(
        test_set.images[:6], kind="scratches", severity=0.6, random_state=3
    )
    restored = restorer.restore(broken, masks=masks)
    for tile, mask, out in zip(broken, masks, restored, strict=True):
        np.testing.assert_allclose(out[~mask], tile[~mask])
        # the restoration is closer to the undamaged tile than the damage was
    originals = test_set.images[:6]
    before = np.mean(
        [
            np.abs(b - o)[m].mean()
            for b, o, m in zip(broken, originals, masks, strict=True)
        ]
    )
    after = np.mean(
        [
            np.abs(r - o)[m].mean()
            for r, o, m in zip(restored, originals, masks, strict=True)
        ]
    )
    assert after < 0.6 * before


def test_find_damage_overlaps_the_true_damage(restorer, test_set):
    broken, masks = damage_characters(
        test_set.images, kind="occlusion", severity=0.6, random_state=4
    )
    found = np.stack(restorer.find_damage(broken))
    clean_found = np.stack(restorer.find_damage(test_set.images))
    precision = (found & masks).sum() / max(found.sum(), 1)
    assert precision > 0.5
    assert clean_found.mean() < found.mean() / 3  # clean tiles show little damage


def test_with_a_known_mask_the_proposal_also_reads_the_filled_tile(restorer, test_set):
    tiles = restorer._tiles(test_set.images[:12])
    masks = [np.zeros(tile.grey.shape, bool) for tile in tiles]
    for mask in masks[:8]:
        mask[8:20, 2:12] = True  # a block over the middle strokes
    inked = []  # the same tiles with ink painted over the masked pixels
    for mask, tile in zip(masks, tiles, strict=True):
        ink = np.where(mask, 1.0, tile.ink)
        canonical = resize_image(ink, restorer._shape()).ravel()
        inked.append(dataclasses.replace(tile, ink=ink, canonical=canonical))
    scores = restorer._scores(tiles, masks)
    covered = restorer._scores(inked, masks)
    # The filled tile depends only on the pixels outside the mask: what the
    # mask hides (here the strokes, or ink painted over them) changes nothing.
    np.testing.assert_allclose(scores[5][:8], covered[5][:8], atol=1e-9)
    assert not np.allclose(scores[0][:8], covered[0][:8])
    # Without damage, or without masks, there is nothing to fill.
    np.testing.assert_array_equal(scores[5][8:], scores[0][8:])
    unmasked = restorer._scores(tiles, None)
    np.testing.assert_array_equal(unmasked[5], unmasked[0])
    assert restorer.fusion_weights_.shape == (5,)


def test_a_mask_over_everything_gives_the_class_prior(restorer, test_set):
    tile = test_set.images[:1]
    proba = restorer.predict_proba(tile, masks=[np.ones(tile[0].shape, bool)])
    np.testing.assert_allclose(proba[0], restorer.class_prior_)
    assert proba.max() < 0.1  # near-uniform, and says so


def test_a_mask_over_nearly_everything_is_nearly_the_prior(restorer, test_set):
    # The pixels under a given mask are taken as damaged: a tile with one row
    # left to read is not read surely, though its masked pixels are clean.
    tiles = test_set.images[:8]
    sure = restorer.predict_proba(tiles)
    assert sure.max(axis=1).min() > 0.5
    mask = np.ones(tiles[0].shape, bool)
    mask[0] = False
    proba = restorer.predict_proba(tiles, masks=[mask] * len(tiles))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba.max() < 0.1
    # A mask as large as the calibration's leaves the probabilities as fused.
    small = np.zeros(tiles[0].shape, bool)
    small[: int(0.4 * small.shape[0])] = True
    small_masks = [small] * len(tiles)
    np.testing.assert_allclose(
        restorer.predict_proba(tiles, masks=small_masks),
        _fused(restorer, tiles, small_masks),
        rtol=1e-9,
    )


def test_probabilities_go_towards_the_prior_as_the_mask_grows():
    towards_prior = _restorer._towards_prior
    limit = _restorer._MASKED_CALIBRATED
    prior = np.array([0.5, 0.3, 0.2])
    proba = np.tile([0.01, 0.98, 0.01], (6, 1))
    masked = np.array([0.0, limit, 0.6, 0.8, 0.95, 1.0])
    out = towards_prior(proba, _restorer._mask_share(masked), prior)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_allclose(out[:2], proba[:2])
    np.testing.assert_allclose(out[-1], prior)
    assert np.all(np.diff(out[1:, 1]) < 0)  # less sure the more is masked
    assert np.all(out[2:5, 1] > prior[1])


def test_ink_extent_is_the_span_of_the_rows_and_columns_with_ink():
    shape = (32, 16)
    full = np.ones((40, 20))
    full[2:38, 1:19] = 0.0  # dark ink over 90% of the rows and columns
    top = np.ones((40, 20))
    top[:10, 1:19] = 0.0  # ink in the top quarter only
    narrow = np.ones((40, 20))
    narrow[2:38, 9:11] = 0.0
    blank = np.ones((40, 20))
    # Strokes 4 pixels wide on a tile 160 wide: thinner than a canonical pixel.
    thin = np.ones((320, 160))
    thin[10:310, 20:24] = thin[10:310, 136:140] = thin[158:162, 20:140] = 0.0
    images = [full, top, narrow, blank, thin]
    extent = ink_extent([make_tile(t, i, shape) for i, t in enumerate(images)])
    np.testing.assert_allclose(
        extent, [[0.9, 0.9], [0.25, 0.9], [0.9, 0.1], [0.0, 0.0], [0.9375, 0.75]]
    )
    assert ink_extent([]).shape == (0, 2)


def _fused(restorer, images, masks=None):
    """The restorer's calibrated fusion, before any draw towards the prior."""
    _, scores = restorer._scores_either_way(restorer._tiles(images), masks)
    logits = restorer._fusion_features(scores) @ restorer.fusion_weights_
    return np.exp(_restorer._log_softmax(logits))


def _painted(tiles, keep):
    """Each tile with all its rows from ``keep`` of its height down painted
    the colour of its top and bottom rows (its plate)."""
    out = []
    for tile in tiles:
        tile = tile.copy()
        tile[int(keep * len(tile)) :] = np.median(np.r_[tile[0], tile[-1]])
        out.append(tile)
    return out


def test_a_character_mostly_painted_out_is_read_less_surely(restorer, test_set):
    """Without masks, a tile whose ink spans less of its rows or columns than
    the calibration's tiles did is drawn towards the prior; one that spans as
    much is not."""
    limit = restorer.ink_extent_limit_
    assert limit.shape == (2,)
    assert np.all((limit > 0.0) & (limit <= 1.0))
    tiles = [np.asarray(t, float) for t in test_set.images[:12]]
    whole = np.all(ink_extent(restorer._tiles(tiles)) >= limit, axis=1)
    assert whole.any()
    np.testing.assert_allclose(
        restorer.predict_proba(tiles)[whole],
        _fused(restorer, tiles)[whole],
        rtol=1e-9,
    )
    painted = _painted(tiles, 0.15)
    inked = np.array([not tile.flat for tile in restorer._tiles(painted)])
    assert inked.sum() >= 6
    assert np.all(ink_extent(restorer._tiles(painted))[:, 0] < limit[0])
    proba = restorer.predict_proba(painted)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    fused = _fused(restorer, painted)
    assert np.all(proba.max(axis=1)[inked] < fused.max(axis=1)[inked])
    # Three rows of ink left: nearly the prior.
    rows = []
    for tile in tiles:
        darkest = int(np.argmin(tile.min(axis=1)))  # a row with ink
        keep = slice(max(darkest - 1, 0), darkest + 2)
        row = np.full(tile.shape, np.median(np.r_[tile[0], tile[-1]]))
        row[keep] = tile[keep]
        rows.append(row)
    inked_rows = np.array([not tile.flat for tile in restorer._tiles(rows)])
    assert inked_rows.sum() >= 6
    assert restorer.predict_proba(rows)[inked_rows].max() < 0.15
    # A restorer saved before the rule reads as fused.
    import copy

    old = copy.deepcopy(restorer)
    del old.ink_extent_limit_
    np.testing.assert_allclose(
        old.predict_proba(painted)[inked], fused[inked], rtol=1e-9
    )


def test_given_masks_leave_the_ink_extent_out(restorer, test_set):
    painted = _painted([np.asarray(t, float) for t in test_set.images[:6]], 0.15)
    masks = [np.zeros(t.shape, bool) for t in painted]
    inked = np.array([not tile.flat for tile in restorer._tiles(painted)])
    np.testing.assert_allclose(
        restorer.predict_proba(painted, masks=masks)[inked],
        _fused(restorer, painted, masks)[inked],
        rtol=1e-9,
    )


def test_without_calibration_no_extent_is_vouched_for(train, test_set):
    keep = np.concatenate(
        [np.flatnonzero(train.target == char)[:4] for char in "08"]
    )  # too few tiles to hold any out for calibration
    few = PlateCharacterRestorer(
        n_augment=0, hidden_layer_sizes=(8,), n_proposals=1, random_state=0
    ).fit(train.images[keep], train.target[keep])
    np.testing.assert_array_equal(few.ink_extent_limit_, [0.0, 0.0])
    painted = _painted([np.asarray(t, float) for t in test_set.images[:4]], 0.2)
    inked = np.array([not tile.flat for tile in few._tiles(painted)])
    np.testing.assert_allclose(
        few.predict_proba(painted)[inked], _fused(few, painted)[inked], rtol=1e-9
    )


def test_extent_share_is_the_least_over_the_axes_with_a_limit():
    extent = np.array([[0.0, 1.0], [0.3, 0.9], [0.9, 0.2], [0.9, 0.9]])
    share = _restorer._extent_share
    np.testing.assert_array_equal(share(extent, np.zeros(2)), 1.0)
    np.testing.assert_allclose(share(extent, [0.6, 0.0]), [0.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(share(extent, [0.6, 0.4]), [0.0, 0.5, 0.5, 1.0])


@pytest.mark.parametrize(
    "masks", [5, "mask", 2.5, np.array(True), {0: np.zeros((32, 20), bool)}]
)
def test_masks_that_are_not_a_sequence_are_named(restorer, test_set, masks):
    with pytest.raises(TypeError, match="masks must hold one"):
        restorer.predict(test_set.images[:2], masks=masks)


@pytest.mark.parametrize(
    "tile",
    [
        np.zeros((2, 2)),
        np.ones((2, 2)),
        np.zeros((33, 20)),  # all ink
        np.ones((33, 20)),  # all background
        np.pad(np.zeros((300, 160)), ((50, 50), (120, 120)), constant_values=1),
        np.random.default_rng(0).random((7, 3)),
    ],
    ids=["2x2 black", "2x2 white", "all ink", "all background", "400x400", "7x3"],
)
def test_any_tile_size_and_flat_tiles_have_a_defined_result(restorer, tile):
    proba = restorer.predict_proba([tile])
    assert proba.shape == (1, 36)
    np.testing.assert_allclose(proba.sum(), 1.0)
    readings = restorer.readings([tile], top_k=2)
    assert readings[0][0].restored.shape == tile.shape
    (restored,) = restorer.restore([tile])
    np.testing.assert_array_equal(restored, readings[0][0].restored)
    (found,) = restorer.find_damage([tile])
    assert found.shape == tile.shape
    assert found.dtype == bool
    if np.ptp(tile) == 0:  # no evidence at all: the prior, nothing more
        np.testing.assert_allclose(proba[0], restorer.class_prior_)


def test_mask_errors_name_the_mask(restorer, test_set):
    with pytest.raises(ValueError, match=r"masks\[1\] must have the shape of X\[1\]"):
        restorer.predict(
            test_set.images[:2],
            masks=[np.zeros((32, 20), bool), np.zeros((5, 5), bool)],
        )
    with pytest.raises(ValueError, match="one mask per tile"):
        restorer.predict(test_set.images[:2], masks=[np.zeros((32, 20), bool)])
    # One tile's mask passed bare: not taken for 32 masks of 20 pixels.
    with pytest.raises(ValueError, match=r"got one \(32, 20\) array.*\[mask\]"):
        restorer.predict(test_set.images[:1], masks=np.zeros((32, 20), bool))


@pytest.mark.parametrize(
    ("n_tiles", "copies"), [(1, 32), (1_250, 32), (1_251, 31), (3_960, 10), (10**6, 4)]
)
def test_auto_augmentation_copies(n_tiles, copies):
    # 32 copies up to 1,250 tiles; then about 40,000 tiles to learn from, >= 4.
    assert _restorer._n_copies("auto", n_tiles) == copies
    assert _restorer._n_copies(7, n_tiles) == 7


def test_auto_augmentation_bounds_what_the_proposal_learns_from(train, monkeypatch):
    n = len(train.target)
    small = {"hidden_layer_sizes": (16,), "n_proposals": 1, "random_state": 0}
    # A budget of 6 copies of the training set: each network then learns from
    # the tiles and 6 damaged copies of each, where n_augment=3 gives 3.
    monkeypatch.setattr(_restorer, "_AUGMENT_BUDGET", 6 * n)
    fit_proposal = PlateCharacterRestorer._fit_proposal
    copies = []

    def counted(self, tiles, y, rng, n_copies):
        copies.append((len(tiles), n_copies))
        return fit_proposal(self, tiles, y, rng, n_copies)

    monkeypatch.setattr(PlateCharacterRestorer, "_fit_proposal", counted)
    auto = PlateCharacterRestorer(**small).fit(train.images, train.target)
    assert auto.proposals_[0][0].n_samples_seen_ == 7 * n
    # The networks the fusion is calibrated with (on about 80 % of the tiles)
    # learn from as many copies as those kept, not more.
    assert [c for _, c in copies] == [6, 6]
    assert copies[0][0] < n == copies[1][0]
    three = PlateCharacterRestorer(n_augment=3, **small)
    three.fit(train.images, train.target)
    assert three.proposals_[0][0].n_samples_seen_ == 4 * n


def test_classes_with_a_single_tile_and_alphabets(train):
    keep = np.flatnonzero(np.isin(train.target, list("ABC")))
    X, y = train.images[keep], train.target[keep]
    single = np.concatenate([X, train.images[train.target == "Z"][:1]])
    y_single = np.concatenate([y, ["Z"]])
    model = PlateCharacterRestorer(n_augment=1, random_state=0).fit(single, y_single)
    assert list(model.classes_) == ["A", "B", "C", "Z"]
    assert model.predict(single[-1:])[0] == "Z"
    with pytest.warns(PlatevisionWarning, match=r"\['D'\] have no training tile") as w:
        PlateCharacterRestorer(alphabet="ABCD", n_augment=0).fit(X, y)
    assert w[0].filename == __file__  # the caller's line, not scikit-learn's
    with pytest.raises(ValueError, match=r"\['C'\] are not in alphabet 'AB'"):
        PlateCharacterRestorer(alphabet="AB", n_augment=0).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 characters"):
        PlateCharacterRestorer().fit(X[y == "A"], y[y == "A"])


def test_given_templates_form_the_bank(train):
    keep = np.isin(train.target, list("EF"))
    X, y = train.images[keep], train.target[keep]
    templates = {c: list(X[y == c][:2]) for c in "EF"}
    model = PlateCharacterRestorer(templates=templates, n_augment=0, random_state=0)
    model.fit(X, y)
    assert model.bank_.shape[0] == 4
    assert model.score(X, y) > 0.8


def test_fit_is_reproducible_and_clone_works(train):
    keep = np.isin(train.target, list("0123"))
    X, y = train.images[keep], train.target[keep]
    a = PlateCharacterRestorer(n_augment=1, random_state=3).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_proposal_networks_are_averaged_and_fit_alike_in_parallel(train, test_set):
    """n_proposals networks, each from its own seed and damaged copies; the
    proposal is their mean; fitting them in parallel changes nothing."""
    from platevision.restoration._tiles import classifier_features

    keep = np.isin(train.target, list("0123456789"))
    X, y = train.images[keep], train.target[keep]
    params = {"n_augment": 1, "hidden_layer_sizes": (32,), "random_state": 0}
    # One BLAS thread here, as the workers have on 2 processors; with more
    # threads the sums of the networks' weights may differ in their last bits.
    with threadpool_limits(1):
        serial = PlateCharacterRestorer(n_proposals=3, **params).fit(X, y)
        parallel = PlateCharacterRestorer(n_proposals=3, n_jobs=2, **params)
        parallel.fit(X, y)
    assert len(serial.proposals_) == 3
    first, second, third = (net[-1].coefs_[0] for net in serial.proposals_)
    assert not np.allclose(first, second)
    assert not np.allclose(second, third)
    assert first.dtype == np.float32  # the networks train on float32 features
    np.testing.assert_allclose(
        serial.predict_proba(test_set.images),
        parallel.predict_proba(test_set.images),
        rtol=1e-8,
        atol=1e-10,
    )
    tiles = serial._tiles(test_set.images)
    features = classifier_features(tiles, serial._shape())
    assert features.dtype == np.float32
    mean = np.mean(
        [net.predict_proba(features) for net in serial.proposals_],
        axis=0,
        dtype=np.float64,
    )
    np.testing.assert_allclose(
        np.exp(serial._log_proposal(tiles)), np.clip(mean, 1e-12, None), rtol=1e-9
    )
    one = PlateCharacterRestorer(n_proposals=1, **params).fit(X, y)
    assert len(one.proposals_) == 1


def test_a_restorer_from_before_ensembles_is_restored_by_its_state(train, test_set):
    """Whatever restores an object from its state (skops, copy) turns the one
    network of a restorer saved before ensembles into its proposals_, and gives
    it the parameters added since at their old behaviour."""
    import copy

    keep = np.isin(train.target, list("0123"))
    old = PlateCharacterRestorer(
        n_augment=0, hidden_layer_sizes=(8,), n_proposals=1, random_state=0
    ).fit(train.images[keep], train.target[keep])
    expected = old.predict_proba(test_set.images)
    del old.n_proposals, old.ink
    old.proposal_ = old.proposals_.pop()
    del old.proposals_
    restored = copy.deepcopy(old)
    assert restored.get_params()["n_proposals"] == 1
    assert restored.ink == "auto"
    assert not hasattr(restored, "proposal_")
    np.testing.assert_array_equal(restored.predict_proba(test_set.images), expected)


def test_masks_route_through_a_pipeline(train, test_set):
    keep = np.isin(train.target, list("0123456789"))
    X, y = train.images[keep], train.target[keep]
    broken, masks = damage_characters(
        test_set.images[:8], kind="occlusion", severity=0.6, random_state=5
    )
    with sklearn.config_context(enable_metadata_routing=True):
        step = PlateCharacterRestorer(n_augment=1, random_state=0)
        step.set_predict_request(masks=True).set_predict_proba_request(masks=True)
        step.set_score_request(masks=True)
        pipe = make_pipeline(step).fit(X, y)
        routed = pipe.predict_proba(broken, masks=masks)
        direct = pipe[-1].predict_proba(broken, masks=masks)
        blind = pipe[-1].predict_proba(broken)
        predicted = pipe.predict(broken, masks=masks)
        scored = pipe.score(broken, test_set.target[:8], masks=masks)
    np.testing.assert_array_equal(routed, direct)
    assert not np.array_equal(routed, blind)  # the masks did reach the restorer
    np.testing.assert_array_equal(predicted, pipe[-1].classes_[direct.argmax(axis=1)])
    assert scored == pytest.approx(np.mean(predicted == test_set.target[:8]))


def test_bad_parameters_are_named(train):
    with pytest.raises(ValueError, match="'mask' parameter of PlateCharacterRestorer"):
        PlateCharacterRestorer(mask="magic").fit(train.images[:40], train.target[:40])
    with pytest.raises(ValueError, match="'ink' parameter of PlateCharacterRestorer"):
        PlateCharacterRestorer(ink="grey").fit(train.images[:40], train.target[:40])
    with pytest.raises(ValueError, match="'tile_shape' parameter"):
        PlateCharacterRestorer(tile_shape=(2, 2)).fit(
            train.images[:40], train.target[:40]
        )
    restorer = PlateCharacterRestorer(n_augment=0).fit(
        train.images[:40], train.target[:40]
    )
    with pytest.raises(ValueError, match="top_k must be an int >= 1; got 0"):
        restorer.readings(train.images[:1], top_k=0)
    with pytest.raises(TypeError, match="top_k must be an int >= 1; got bool True"):
        restorer.readings(train.images[:1], top_k=True)
    with pytest.raises(TypeError, match="top_k must be an int >= 1; got float 2.0"):
        restorer.readings(train.images[:1], top_k=2.0)
    assert restorer.tile_shape_ == (32, 16)
    for shape in [(16, 8), (16, 32)]:  # also one with as many pixels
        restorer.set_params(tile_shape=shape)
        with pytest.raises(ValueError, match=r"is not the shape this restorer was"):
            restorer.predict(train.images[:1])


def test_template_cost_tells_characters_from_other_marks(restorer, test_set):
    # What the plate reader ranks rows by: how well the bank explains a tile.
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(0)
    shape = test_set.images.shape[1:3]
    blobs = [
        (gaussian_filter(rng.random(shape), 2.0) > 0.5).astype(float) for _ in range(40)
    ]
    proba, cost = restorer._proba_and_cost(test_set.images)
    np.testing.assert_allclose(proba, restorer.predict_proba(test_set.images))
    _, blob_cost = restorer._proba_and_cost(blobs)
    assert cost.shape == (len(test_set.target),)
    assert np.median(cost) < 0.6 * np.median(blob_cost)


def test_without_jitter_the_proposal_learns_from_the_tiles_as_cut(train, test_set):
    """jitter=False draws nothing more from the seed: a different proposal,
    which reads the synthetic characters too."""
    plain = PlateCharacterRestorer(
        n_augment=2, jitter=False, n_proposals=1, random_state=0
    )
    plain.fit(train.images, train.target)
    jittered = PlateCharacterRestorer(n_augment=2, n_proposals=1, random_state=0)
    jittered.fit(train.images, train.target)
    assert plain.score(test_set.images, test_set.target) >= 0.85
    first = plain.proposals_[0][-1].coefs_[0]
    assert not np.allclose(first, jittered.proposals_[0][-1].coefs_[0])


def test_templates_for_some_characters_leave_the_others_learned(train):
    """Characters without templates take prototypes from their training tiles;
    a character with templates and no training tile learns from them."""
    keep = np.isin(train.target, list("ABC"))
    X, y = train.images[keep], train.target[keep]
    z = train.images[train.target == "Z"]
    model = PlateCharacterRestorer(
        templates={"Z": list(z[:4])}, n_augment=1, n_proposals=1, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(model.classes_, list("ABCZ"))
    assert set(np.unique(model.bank_labels_)) == {0, 1, 2, 3}
    assert np.count_nonzero(model.bank_labels_ == 3) == 4
    # Each reading is restored with its own character's prototype.
    a = X[y == "A"][:1]
    readings = model.readings(a, top_k=3)[0]
    assert readings[0].character == "A"
    assert not np.array_equal(readings[1].restored, readings[2].restored)
    assert (model.predict(z[4:]) == "Z").mean() > 0.5


def test_templates_keyed_unlike_the_labels_are_an_error(train):
    keep = np.isin(train.target, list("AB"))
    X, y = train.images[keep], train.target[keep]
    numbers = np.where(y == "A", 0, 1)
    with pytest.raises(TypeError, match="y's kind .numbers.; got 'Z'"):
        PlateCharacterRestorer(templates={"Z": list(X[:2])}, n_augment=0).fit(
            X, numbers
        )
    with pytest.raises(TypeError, match="kind .strings.; got 5 .int."):
        PlateCharacterRestorer(templates={5: list(X[:2])}, n_augment=0).fit(X, y)
    with pytest.raises(ValueError, match=r"templates\['B'\] holds no image"):
        PlateCharacterRestorer(templates={"A": list(X[:2]), "B": []}).fit(X, y)
    # One image, not a list of them; not images at all; a bad image among them.
    with pytest.raises(TypeError, match=r"templates\['A'\] .* got one image"):
        PlateCharacterRestorer(templates={"A": X[0]}).fit(X, y)
    with pytest.raises(TypeError, match=r"templates\['A'\] must .*; got int"):
        PlateCharacterRestorer(templates={"A": 5}).fit(X, y)
    with pytest.raises(ValueError, match=r"templates\['A'\]: X\[1\]"):
        PlateCharacterRestorer(templates={"A": [X[0], np.zeros(5)]}).fit(X, y)


def test_template_only_characters_are_never_held_out_for_calibration(monkeypatch):
    """Their templates are all in the bank: held out, a tile would be its own
    prototype, and the evidence would look surer than it is."""
    data = make_plate_characters(20, alphabet="ABCZ", random_state=0)
    z = data.target == "Z"
    seen = {}
    calibrate = PlateCharacterRestorer._calibrate

    def spy(self, tiles, y_index, rng):
        seen["held"] = np.stack([tile.canonical for tile in tiles])
        seen["labels"] = self.classes_[y_index]
        seen["bank"] = self.bank_.copy()
        return calibrate(self, tiles, y_index, rng)

    monkeypatch.setattr(PlateCharacterRestorer, "_calibrate", spy)
    PlateCharacterRestorer(
        templates={"Z": list(data.images[z][:10])},
        n_augment=0,
        n_proposals=1,
        hidden_layer_sizes=(16,),
        random_state=0,
    ).fit(data.images[~z], data.target[~z])
    assert len(seen["held"]) >= 10  # calibrated on held-out tiles
    assert "Z" not in set(seen["labels"].tolist())
    for row in seen["held"]:
        assert not (np.abs(seen["bank"] - row).max(axis=1) == 0).any()
