"""Tests of platevision.datasets._synthetic (make_plate_characters)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.utils import Bunch

from platevision.datasets._synthetic import make_plate_characters

DEFAULT_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
KNOWN_FONTS = {
    "hershey_simplex",
    "hershey_duplex",
    "hershey_complex",
    "hershey_triplex",
    "rubik_regular",
    "rubik_semibold",
    "rubik_bold",
    "aileron_regular",
}


@pytest.fixture(scope="module")
def chars() -> Bunch:
    return make_plate_characters(10, random_state=0)


def _ink_box(image: np.ndarray) -> tuple[int, int]:
    """Height and width of the ink's bounding box."""
    ink = image < 0.5
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_bunch_shapes_dtypes_and_range(chars):
    n = 10 * len(DEFAULT_ALPHABET)
    assert chars.images.shape == (n, 32, 20)
    assert chars.images.dtype == np.float64
    assert chars.images.min() >= 0.0
    assert chars.images.max() <= 1.0
    assert chars.target.shape == (n,)
    assert chars.target.dtype.kind == "U"
    assert chars.fonts.shape == (n,)
    assert chars.fonts.dtype.kind == "U"
    assert isinstance(chars.DESCR, str)
    assert "Synthetic licence-plate characters" in chars.DESCR


def test_every_class_present_in_order(chars):
    labels, counts = np.unique(chars.target, return_counts=True)
    assert set(labels) == set(DEFAULT_ALPHABET)
    assert np.all(counts == 10)
    assert chars.target.tolist() == [c for c in DEFAULT_ALPHABET for _ in range(10)]


def test_fonts_are_named_and_several_are_used(chars):
    used = set(chars.fonts)
    assert used <= KNOWN_FONTS
    assert len(used) >= 3


def test_dark_ink_on_light_background(chars):
    images = chars.images
    # Background: the lightest pixels are light; ink: the darkest are dark (bold
    # characters may cover more than half of the tile, as on real plates).
    assert np.all(np.percentile(images, 95, axis=(1, 2)) > 0.85)
    assert np.all(images.min(axis=(1, 2)) < 0.3)
    ink_fraction = (images < 0.5).mean(axis=(1, 2))
    assert np.all((ink_fraction > 0.08) & (ink_fraction < 0.85))


def test_glyphs_fill_the_tile_like_plate_characters(chars):
    boxes = np.array([_ink_box(image) for image in chars.images])
    heights, widths = boxes[:, 0], boxes[:, 1]
    # Tight crops: capitals and digits span most of the tile height.
    assert np.all(heights >= 0.75 * 32)
    wide = ~np.isin(chars.target, ["1", "I", "J"])
    aspect = np.median(widths[wide] / heights[wide])
    assert 0.45 <= aspect <= 0.85
    narrow = np.isin(chars.target, ["1", "I"])
    assert (
        widths[narrow].mean() < 0.7 * widths[np.isin(chars.target, ["M", "W"])].mean()
    )


def test_zero_is_not_slashed(chars):
    zeros = chars.images[chars.target == "0"]
    # The middle of a zero is its counter: background, not a slash.
    centre = zeros[:, 12:20, 8:12]
    assert (centre < 0.5).mean() < 0.05


def test_return_X_y_matches_bunch(chars):
    images, target = make_plate_characters(10, random_state=0, return_X_y=True)
    np.testing.assert_array_equal(images, chars.images)
    np.testing.assert_array_equal(target, chars.target)


def test_deterministic_for_a_seed_and_different_across_seeds():
    first = make_plate_characters(3, alphabet="A7", random_state=42)
    again = make_plate_characters(3, alphabet="A7", random_state=42)
    other = make_plate_characters(3, alphabet="A7", random_state=43)
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.fonts, again.fonts)
    assert not np.allclose(first.images, other.images)


def test_random_state_instance_is_accepted_and_advanced():
    rng = np.random.RandomState(0)
    first = make_plate_characters(2, alphabet="B", random_state=rng)
    second = make_plate_characters(2, alphabet="B", random_state=rng)
    assert not np.allclose(first.images, second.images)


def test_samples_differ_within_a_class():
    images = make_plate_characters(5, alphabet="H", random_state=0).images
    flat = images.reshape(5, -1)
    distances = np.linalg.norm(flat[:, None] - flat[None], axis=2)
    assert np.all(distances[~np.eye(5, dtype=bool)] > 0.5)


@pytest.mark.parametrize("shape", [(8, 8), (40, 24), (64, 40), (20, 32)])
def test_image_shape(shape):
    images, target = make_plate_characters(
        1, alphabet="A8", image_shape=shape, random_state=0, return_X_y=True
    )
    assert images.shape == (2, *shape)
    assert images.min() >= 0.0
    assert images.max() <= 1.0
    assert np.all(images.min(axis=(1, 2)) < 0.5)


def test_other_printable_characters_render():
    chars = make_plate_characters(2, alphabet="-#g!", random_state=0)
    assert chars.images.shape == (8, 32, 20)
    assert np.all(chars.images.min(axis=(1, 2)) < 0.5)  # every tile has ink
    # A hyphen keeps its size next to capitals: a bar in the middle rows only.
    for image in chars.images[chars.target == "-"]:
        ink_rows = np.flatnonzero((image < 0.5).any(axis=1))
        assert ink_rows[0] > 8
        assert ink_rows[-1] < 24


def test_opencv_is_not_imported_at_module_import():
    code = (
        "import sys; import platevision.datasets._synthetic; "
        "print('cv2' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_per_class": 0}, ValueError, r"n_per_class must be an int >= 1; got 0"),
        (
            {"n_per_class": 2.5},
            TypeError,
            r"n_per_class must be an int >= 1; got float",
        ),
        (
            {"n_per_class": True},
            TypeError,
            r"n_per_class must be an int >= 1; got bool",
        ),
        ({"alphabet": ""}, ValueError, r"alphabet must contain at least one"),
        ({"alphabet": "AB C"}, ValueError, r"non-space ASCII.*got 'AB C'.*\[' '\]"),
        ({"alphabet": "AÉ"}, ValueError, r"printable, non-space ASCII.*\['É'\]"),
        ({"alphabet": "A\tB"}, ValueError, r"printable, non-space ASCII"),
        ({"alphabet": "ABA"}, ValueError, r"must not repeat characters.*\['A'\]"),
        ({"alphabet": ["A", "B"]}, TypeError, r"alphabet must be a str.*got list"),
        ({"image_shape": (7, 20)}, ValueError, r"image_shape must be a pair.*>= 8"),
        ({"image_shape": (32,)}, ValueError, r"image_shape must be a pair.*\(32,\)"),
        ({"image_shape": (32, 20, 3)}, ValueError, r"image_shape must be a pair"),
        ({"image_shape": (32.0, 20)}, TypeError, r"image_shape.*holds float 32.0"),
        ({"image_shape": 32}, TypeError, r"image_shape must be a pair.*got 32"),
        ({"return_X_y": "yes"}, TypeError, r"return_X_y must be a bool; got str"),
        ({"random_state": "seed"}, ValueError, r"seed"),
    ],
)
def test_invalid_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_plate_characters(**kwargs)


@pytest.mark.parametrize(
    "font", ["hershey_simplex", "hershey_duplex", "hershey_complex", "hershey_triplex"]
)
def test_hershey_code_path_renders(font):
    # OpenCV 4 draws these fonts; OpenCV 5 draws Rubik for the same calls. Either
    # way the legacy putText call must give a glyph with a sane frame and stroke.
    from platevision.datasets._synthetic import _glyph

    signed, frame, stroke = _glyph(font, "A", 64)
    row0, row1, col0, col1 = frame
    assert (signed < 0).any()
    assert 0 <= row0 < row1 < signed.shape[0]
    assert 0 <= col0 < col1 < signed.shape[1]
    assert stroke >= 1.0
    assert stroke <= 32.0
