"""Tests of the image-input convention (platevision.utils._image)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from platevision.exceptions import ImageReadError
from platevision.utils import (
    as_image_sequence,
    check_image,
    check_images,
    read_image,
    resize_image,
)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (np.array([[0, 255]], dtype=np.uint8), [[0.0, 1.0]]),
        (np.array([[0, 65535]], dtype=np.uint16), [[0.0, 1.0]]),
        (np.array([[False, True]]), [[0.0, 1.0]]),
        (np.array([[0.0, 0.5]], dtype=np.float32), [[0.0, 0.5]]),
        (np.array([[0.25, 1.0]], dtype=np.float16), [[0.25, 1.0]]),
    ],
)
def test_check_image_scales_by_dtype(image, expected):
    out = check_image(image)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected)


def test_check_image_copies_and_never_modifies_input():
    image = np.full((4, 4), 0.5)
    out = check_image(image)
    out[:] = 0
    assert np.all(image == 0.5)


@pytest.mark.parametrize("mode", ["grey", "rgb", None])
def test_modes(mode):
    grey = np.full((3, 5), 128, dtype=np.uint8)
    rgb = np.zeros((3, 5, 3), dtype=np.uint8)
    out_grey, out_rgb = check_image(grey, mode=mode), check_image(rgb, mode=mode)
    expected_ndim = {"grey": 2, "rgb": 3, None: None}[mode]
    if expected_ndim:
        assert out_grey.ndim == out_rgb.ndim == expected_ndim
    else:
        assert (out_grey.ndim, out_rgb.ndim) == (2, 3)


def test_rgba_is_composited_on_white_and_one_channel_squeezed():
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)  # black, fully transparent
    np.testing.assert_allclose(check_image(rgba), np.ones((2, 2, 3)))
    rgba[..., 3] = 255  # opaque black
    np.testing.assert_allclose(check_image(rgba), np.zeros((2, 2, 3)))
    assert check_image(np.zeros((2, 3, 1), dtype=np.uint8)).shape == (2, 3)


def test_grey_conversion_uses_luminance():
    green = np.zeros((1, 1, 3))
    green[..., 1] = 1.0
    assert check_image(green, mode="grey")[0, 0] == pytest.approx(0.7154)


@pytest.mark.parametrize(
    ("image", "error", "pattern"),
    [
        (np.zeros(5), ValueError, r"X\[2\] has 1 dimensions"),
        (np.zeros((2, 3, 4, 3)), ValueError, r"X\[2\] has 4 dimensions"),
        (np.zeros((3, 4, 2)), ValueError, r"1, 3 \(RGB\) or 4 \(RGBA\) channels"),
        (np.zeros((3, 4, 5)), ValueError, "channels last"),
        (np.zeros((0, 4)), ValueError, r"X\[2\] is empty"),
        (np.array([[np.nan]]), ValueError, "NaN or infinity"),
        (np.array([[np.inf]]), ValueError, "NaN or infinity"),
        (np.array([[0.0, 255.0]]), ValueError, r"values in \[0, 255\].*Divide by 255"),
        (np.array([[-0.5, 0.5]]), ValueError, r"expected floats in \[0, 1\]"),
        (np.array([[0, 255]], dtype=np.int64), TypeError, "dtype int64.*astype"),
        (np.array([["a"]], dtype=object), TypeError, "dtype object"),
        (np.array([[1j]]), TypeError, "dtype complex128"),
    ],
)
def test_check_image_errors_name_the_item(image, error, pattern):
    with pytest.raises(error, match=pattern):
        check_image(image, index=2)


def test_mode_is_validated():
    with pytest.raises(
        ValueError, match="mode must be 'grey', 'rgb' or None; got 'RGB'"
    ):
        check_image(np.zeros((2, 2)), mode="RGB")


def test_as_image_sequence_accepts_stacks_lists_and_paths(tmp_path):
    stack = np.zeros((4, 5, 6, 3))
    items = as_image_sequence(stack)
    assert len(items) == 4
    assert np.shares_memory(items[0], stack)
    assert len(as_image_sequence([np.zeros((2, 2)), tmp_path / "a.png"])) == 2
    assert len(as_image_sequence((np.zeros((2, 2)),))) == 1


@pytest.mark.parametrize(
    ("X", "error", "pattern"),
    [
        ([], ValueError, "at least one image; got 0"),
        (np.zeros((0, 4, 4)), ValueError, "at least one image; got 0"),
        (np.zeros((4, 4)), ValueError, r"shape \(4, 4\).*Pass \[image\]"),
        (np.zeros(4), ValueError, "Each image must be 2-D"),
        ("photo.png", TypeError, r"single path 'photo.png'.*\['photo.png'\]"),
        (42, TypeError, "got int"),
    ],
)
def test_as_image_sequence_errors(X, error, pattern):
    with pytest.raises(error, match=pattern):
        as_image_sequence(X)


def test_as_image_sequence_rejects_sparse():
    from scipy import sparse

    with pytest.raises(TypeError, match="sparse matrix"):
        as_image_sequence(sparse.csr_matrix(np.eye(3)))


@pytest.mark.parametrize(
    ("mode", "array", "dtype"),
    [
        ("L", np.arange(12, dtype=np.uint8).reshape(3, 4), np.uint8),
        ("RGB", np.zeros((3, 4, 3), dtype=np.uint8), np.uint8),
        ("RGBA", np.zeros((3, 4, 4), dtype=np.uint8), np.uint8),
        ("I;16", np.full((3, 4), 40000, dtype=np.uint16), np.uint16),
    ],
)
def test_read_image_round_trips_png(tmp_path, mode, array, dtype):
    path = tmp_path / "image.png"
    Image.fromarray(array).save(path)
    image = read_image(path)
    assert image.dtype == dtype
    np.testing.assert_array_equal(image, array)
    np.testing.assert_allclose(check_image(str(path)), check_image(array))


def test_read_image_palette_and_bilevel(tmp_path):
    palette = Image.fromarray(np.zeros((3, 4, 3), dtype=np.uint8)).convert("P")
    palette.save(tmp_path / "p.png")
    assert read_image(tmp_path / "p.png").shape == (3, 4, 3)
    Image.new("1", (4, 3), 1).save(tmp_path / "b.png")
    assert read_image(tmp_path / "b.png").dtype == np.bool_
    Image.new("LA", (4, 3)).save(tmp_path / "la.png")
    assert read_image(tmp_path / "la.png").shape == (3, 4, 4)


def test_read_image_applies_exif_orientation(tmp_path):
    array = np.zeros((2, 6, 3), dtype=np.uint8)
    pil = Image.fromarray(array)
    exif = pil.getexif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    pil.save(tmp_path / "rotated.jpg", exif=exif)
    assert read_image(tmp_path / "rotated.jpg").shape[:2] == (6, 2)


def test_read_image_errors(tmp_path):
    with pytest.raises(ImageReadError, match="'.*missing.png' does not exist"):
        read_image(tmp_path / "missing.png")
    with pytest.raises(ImageReadError, match="is a directory"):
        read_image(tmp_path)
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(
        ImageReadError, match="notes.txt' could not be read as an image"
    ):
        read_image(tmp_path / "notes.txt")
    Image.fromarray(np.zeros((64, 64, 3), dtype=np.uint8)).save(tmp_path / "t.jpg")
    data = (tmp_path / "t.jpg").read_bytes()
    (tmp_path / "t.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageReadError, match="(?i)t.jpg' could not be read.*truncated"):
        read_image(tmp_path / "t.jpg")


def test_read_image_refuses_decompression_bombs(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("L", (200, 100)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)  # 1x to 2x: Pillow warns
    with pytest.raises(ImageReadError, match="big.png' is too large to read safely"):
        read_image(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)  # over 2x: Pillow raises
    with pytest.raises(ImageReadError, match="MAX_IMAGE_PIXELS"):
        read_image(path)


def test_check_images_names_the_failing_path(tmp_path):
    good = tmp_path / "good.png"
    Image.fromarray(np.zeros((3, 3), dtype=np.uint8)).save(good)
    with pytest.raises(ImageReadError, match=r"nope.png' does not exist"):
        check_images([good, tmp_path / "nope.png"])
    files_before = sorted(tmp_path.iterdir())
    check_images([good, str(good)])
    assert sorted(tmp_path.iterdir()) == files_before  # nothing is written


@pytest.mark.parametrize("keep_aspect", [False, True])
@pytest.mark.parametrize("shape", [(8, 8), (40, 10), (3, 100)])
def test_resize_image_shape_and_range(rng, keep_aspect, shape):
    image = rng.random((17, 31, 3)) * 0.5 + 0.25
    out = resize_image(image, shape, keep_aspect=keep_aspect)
    assert out.shape == (*shape, 3)
    assert out.min() >= image.min() - 1e-12
    assert out.max() <= image.max() + 1e-12


def test_resize_image_same_shape_is_a_copy():
    image = np.random.default_rng(0).random((5, 6))
    out = resize_image(image, (5, 6))
    np.testing.assert_array_equal(out, image)
    assert not np.shares_memory(out, image)
