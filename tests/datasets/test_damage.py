"""Tests of platevision.datasets._damage (damage_characters)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from skimage.filters import threshold_otsu
from sklearn.neighbors import KNeighborsClassifier

from platevision.datasets._damage import (
    DAMAGE_KINDS,
    INK_PER_SEVERITY,
    damage_characters,
)
from platevision.datasets._synthetic import make_plate_characters
from platevision.utils._image import check_image

#: Documented tolerance: the mean destroyed-ink fraction over tiles is within
#: this of the requested severity (the damage bisects its last primitive, so it
#: is usually within 0.02; 'fading' noise moves it by a few hundredths).
TOLERANCE = 0.05
#: Kinds whose pixels outside the mask are exactly unchanged.
EXACT_KINDS = ("occlusion", "chips", "scratches", "dirt")


@pytest.fixture(scope="module")
def tiles() -> np.ndarray:
    return make_plate_characters(2, random_state=0).images  # 72 tiles of 32x20


@pytest.fixture(scope="module")
def real_tiles(shared_data: Path) -> list[np.ndarray]:
    folder = shared_data / "plates" / "characters"
    if not (folder / "manifest.csv").is_file():
        pytest.skip(f"{folder / 'manifest.csv'} is absent")
    from PIL import Image

    with open(folder / "manifest.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    picked = np.random.default_rng(0).choice(len(rows), size=80, replace=False)
    return [np.asarray(Image.open(folder / rows[i]["path"])) for i in picked]


def _ink(image: np.ndarray) -> np.ndarray:
    """Ink as a reader sees it: the dark side of Otsu's threshold."""
    return image < threshold_otsu(image)


def _destroyed(images, masks) -> np.ndarray:
    """Fraction of each tile's ink inside its mask."""
    fractions = []
    for image, mask in zip(images, masks, strict=True):
        ink = _ink(check_image(image, mode="grey"))
        fractions.append((mask & ink).sum() / ink.sum())
    return np.array(fractions)


def test_damage_kinds():
    assert DAMAGE_KINDS == ("occlusion", "chips", "scratches", "dirt", "fading")


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_shapes_dtypes_and_range(tiles, kind):
    damaged, masks = damage_characters(tiles, kind=kind, severity=0.5, random_state=0)
    assert isinstance(damaged, np.ndarray)
    assert isinstance(masks, np.ndarray)
    assert damaged.shape == tiles.shape
    assert masks.shape == tiles.shape
    assert damaged.dtype == np.float64
    assert masks.dtype == bool
    assert damaged.min() >= 0.0
    assert damaged.max() <= 1.0
    assert masks.any(axis=(1, 2)).all()  # every tile was damaged


def test_list_of_equal_shapes_is_stacked_and_mixed_shapes_stay_a_list(tiles):
    damaged, masks = damage_characters(list(tiles[:3]), random_state=0)
    assert isinstance(damaged, np.ndarray)
    assert damaged.shape == (3, 32, 20)
    mixed = [tiles[0], np.pad(tiles[1], 3, constant_values=1.0)]
    damaged, masks = damage_characters(mixed, random_state=0)
    assert isinstance(damaged, list)
    assert isinstance(masks, list)
    assert [d.shape for d in damaged] == [(32, 20), (38, 26)]
    assert [m.shape for m in masks] == [(32, 20), (38, 26)]
    assert all(m.dtype == bool for m in masks)


def test_colour_input_gives_grey_output(tiles):
    rgb = np.repeat((tiles[:4, ..., None] * 255).round().astype(np.uint8), 3, axis=3)
    damaged, masks = damage_characters(rgb, kind="dirt", random_state=0)
    assert damaged.shape == (4, 32, 20)
    assert masks.shape == (4, 32, 20)


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
@pytest.mark.parametrize("container", ["uint8 stack", "float stack", "float list"])
def test_input_is_not_modified(tiles, kind, container):
    if container == "uint8 stack":
        images = (tiles[:6] * 255).round().astype(np.uint8)
    elif container == "float stack":
        images = tiles[:6].copy()
    else:
        images = [tile.copy() for tile in tiles[:6]]
    before = [np.array(image, copy=True) for image in images]
    damaged, masks = damage_characters(images, kind=kind, severity=0.6, random_state=0)
    for image, copy, out in zip(images, before, damaged, strict=True):
        np.testing.assert_array_equal(image, copy)
        assert not np.shares_memory(image, out)
    assert isinstance(images, list) == (container == "float list")


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_uint8_and_float_input_agree(tiles, kind):
    as_uint8 = (tiles[:5] * 255).round().astype(np.uint8)
    from_uint8 = damage_characters(as_uint8, kind=kind, random_state=3)
    from_float = damage_characters(as_uint8 / 255.0, kind=kind, random_state=3)
    np.testing.assert_allclose(from_uint8[0], from_float[0])
    np.testing.assert_array_equal(from_uint8[1], from_float[1])


@pytest.mark.parametrize("kind", EXACT_KINDS)
@pytest.mark.parametrize("severity", [0.2, 0.6, 1.0])
def test_pixels_outside_the_mask_are_unchanged(tiles, kind, severity):
    damaged, masks = damage_characters(
        tiles, kind=kind, severity=severity, random_state=1
    )
    np.testing.assert_array_equal(damaged[~masks], tiles[~masks])


def test_fading_outside_the_mask_changes_less_than_half_the_contrast(tiles):
    damaged, masks = damage_characters(
        tiles, kind="fading", severity=0.5, random_state=1
    )
    for tile, out, mask in zip(tiles, damaged, masks, strict=True):
        ink = _ink(tile)
        contrast = np.median(tile[~ink]) - np.median(tile[ink])
        assert np.all(np.abs(out - tile)[~mask] < 0.5 * contrast)
        # Inside the mask, changes are large: half the contrast or more.
        assert np.all(np.abs(out - tile)[mask] >= 0.5 * contrast - 1e-6)
        # Masked ink really faded: on average by nearly half the contrast or more.
        assert out[mask & ink].mean() > tile[mask & ink].mean() + 0.4 * contrast


@pytest.mark.parametrize("kind", ["chips", "scratches"])
def test_removed_ink_becomes_background(tiles, kind):
    damaged, masks = damage_characters(tiles, kind=kind, severity=0.5, random_state=2)
    for tile, out, mask in zip(tiles, damaged, masks, strict=True):
        threshold = threshold_otsu(tile)
        lost = mask & (tile < threshold)
        # Ink inside the mask now reads as background.
        assert (out[lost] > threshold).mean() > 0.95


def test_occlusion_fills_with_background_or_a_dark_colour(tiles):
    damaged, masks = damage_characters(
        tiles, kind="occlusion", severity=0.5, random_state=2
    )
    levels = np.array(
        [np.median(out[mask]) for out, mask in zip(damaged, masks, strict=True)]
    )
    light = levels > 0.8
    dark = levels < 0.5
    assert np.all(light | dark)
    assert light.any()
    assert dark.any()


def test_dirt_darkens_the_background_it_covers(tiles):
    damaged, masks = damage_characters(tiles, kind="dirt", severity=0.5, random_state=2)
    background = tiles > 0.5
    darkening = (tiles - damaged)[masks & background]
    assert np.all(darkening > 0.03)
    assert np.median(darkening) > 0.3


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_destroyed_fraction_follows_severity(tiles, kind):
    means = []
    for severity in (0.2, 0.4, 0.6):
        damaged, masks = damage_characters(
            tiles, kind=kind, severity=severity, random_state=0
        )
        fraction = _destroyed(tiles, masks)
        assert abs(fraction.mean() - INK_PER_SEVERITY * severity) <= TOLERANCE
        means.append(fraction.mean())
    assert means[0] < means[1] < means[2]


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_real_tiles(real_tiles, kind):
    means = []
    for severity in (0.2, 0.4, 0.6):
        damaged, masks = damage_characters(
            real_tiles, kind=kind, severity=severity, random_state=0
        )
        assert isinstance(damaged, list)  # real tiles come in several sizes
        for image, out, mask in zip(real_tiles, damaged, masks, strict=True):
            assert out.shape == image.shape == mask.shape
            assert out.min() >= 0.0
            assert out.max() <= 1.0
        fraction = _destroyed(real_tiles, masks)
        assert abs(fraction.mean() - INK_PER_SEVERITY * severity) <= TOLERANCE
        means.append(fraction.mean())
    assert means[0] < means[1] < means[2]


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_severity_zero_is_a_no_op(tiles, kind):
    as_uint8 = (tiles[:8] * 255).round().astype(np.uint8)
    damaged, masks = damage_characters(as_uint8, kind=kind, severity=0, random_state=0)
    np.testing.assert_array_equal(damaged, as_uint8 / 255.0)
    assert not masks.any()


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_deterministic_for_a_seed_and_different_across_seeds(tiles, kind):
    first = damage_characters(tiles[:10], kind=kind, random_state=7)
    again = damage_characters(tiles[:10], kind=kind, random_state=7)
    other = damage_characters(tiles[:10], kind=kind, random_state=8)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])


def test_each_tile_gets_its_own_draw(tiles):
    # The same tile twice is damaged differently; a tile's damage does not
    # depend on the tiles after it.
    twice = np.stack([tiles[0], tiles[0]])
    damaged, masks = damage_characters(twice, random_state=0)
    assert not np.array_equal(masks[0], masks[1])
    short = damage_characters(tiles[:3], random_state=0)
    long = damage_characters(tiles[:9], random_state=0)
    np.testing.assert_array_equal(short[0], long[0][:3])


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
@pytest.mark.parametrize(
    "name", ["2x2", "1x50", "400x400", "all white", "all black", "binary noise"]
)
def test_odd_tiles_have_a_defined_result(kind, name):
    rng = np.random.default_rng(0)
    image = {
        "2x2": np.array([[0.0, 1.0], [1.0, 0.2]]),
        "1x50": rng.uniform(size=(1, 50)),
        "400x400": np.pad(
            np.zeros((300, 160)), ((50, 50), (120, 120)), constant_values=1
        ),
        "all white": np.ones((32, 20)),
        "all black": np.zeros((32, 20), dtype=np.uint8),
        "binary noise": (rng.uniform(size=(32, 20)) > 0.5).astype(float),
    }[name]
    damaged, masks = damage_characters([image], kind=kind, severity=0.5, random_state=0)
    assert damaged.shape == (1, *image.shape)
    assert masks.shape == (1, *image.shape)
    assert damaged.min() >= 0.0
    assert damaged.max() <= 1.0
    if name == "all white":  # no ink: nothing to damage
        np.testing.assert_array_equal(damaged[0], image)
        assert not masks.any()
    if name in ("all black", "400x400"):  # all ink / a big bar: real damage
        destroyed = masks[0][check_image(image) < 0.5].mean()
        assert 0.15 <= destroyed <= 0.35  # severity 0.5: a quarter of the ink


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_damage_hurts_a_nearest_neighbour_reader(kind):
    X_train, y_train = make_plate_characters(10, random_state=0, return_X_y=True)
    X_test, y_test = make_plate_characters(5, random_state=1, return_X_y=True)
    reader = KNeighborsClassifier(n_neighbors=1)
    reader.fit(X_train.reshape(len(X_train), -1), y_train)
    clean = reader.score(X_test.reshape(len(X_test), -1), y_test)
    damaged, _ = damage_characters(X_test, kind=kind, severity=0.6, random_state=0)
    broken = reader.score(damaged.reshape(len(damaged), -1), y_test)
    assert clean > 0.6
    assert broken < clean


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"kind": "mixed"},
            ValueError,
            r"kind must be one of 'occlusion', 'chips', 'scratches', 'dirt', "
            r"'fading'; got 'mixed'",
        ),
        ({"kind": ["chips"]}, TypeError, r"kind must be one of .*got \['chips'\]"),
        (
            {"severity": 1.5},
            ValueError,
            r"severity must be a float in \[0, 1\]; got 1.5",
        ),
        ({"severity": -0.1}, ValueError, r"severity must be a float in \[0, 1\]"),
        ({"severity": float("nan")}, ValueError, r"severity must be a float.*nan"),
        ({"severity": "0.5"}, TypeError, r"severity must be a float.*got str '0.5'"),
        ({"severity": True}, TypeError, r"severity must be a float.*got bool"),
        ({"random_state": "seed"}, ValueError, r"seed"),
    ],
)
def test_invalid_arguments(tiles, kwargs, error, match):
    with pytest.raises(error, match=match):
        damage_characters(tiles[:2], **kwargs)


@pytest.mark.parametrize(
    ("images", "error", "match"),
    [
        ([], ValueError, r"images must contain at least one image; got 0"),
        (np.ones((32, 20)), ValueError, r"images is an array of shape \(32, 20\)"),
        ([np.full((4, 4), 255.0)], ValueError, r"X\[0\] is a float image"),
        ([np.ones((4, 4), dtype=np.int32)], TypeError, r"X\[0\] has dtype int32"),
        ("tile.png", TypeError, r"images must be a sequence of images"),
    ],
)
def test_invalid_images(images, error, match):
    with pytest.raises(error, match=match):
        damage_characters(images)
