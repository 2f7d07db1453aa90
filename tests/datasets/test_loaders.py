"""Tests of platevision.datasets._loaders and _base (data folder, manifests)."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sklearn.utils import Bunch

from platevision.datasets import (
    clear_data_home,
    get_data_home,
    load_cars,
    load_faces,
    load_plate_characters,
    load_plates,
)
from platevision.datasets._base import _load_descr, _read_manifest
from platevision.utils import read_image


def _save(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)


def _manifest(folder: Path, header: list[str], rows: list[list[object]]) -> None:
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def fake_data_home(tmp_path: Path, rng: np.random.Generator) -> Path:
    """A data folder in the shared format, with a few small generated images."""
    root = tmp_path / "data"

    def grey(shape=(12, 10)):
        return rng.integers(0, 256, size=shape, dtype=np.uint8)

    faces = root / "faces" / "orl"
    for name in ("s1/1.png", "s1/2.png", "s2/1.png"):
        _save(faces / name, grey())
    _manifest(
        faces,
        ["path", "label"],
        [["s1/1.png", "s1"], ["s1/2.png", "s1"], ["s2/1.png", "s2"]],
    )

    cars = root / "cars" / "stanford_cars_make"
    car_rows = [
        ["Audi/00001.jpg", "Audi", "Audi S4 Sedan 2012", "cars_train/00001.jpg"],
        ["Audi/00002.jpg", "Audi", "Audi TT Coupe 2011", "cars_train/00002.jpg"],
        ["BMW/00003.jpg", "BMW", "BMW M3 Coupe 2012", "cars_train/00003.jpg"],
    ]
    for row in car_rows:
        _save(cars / row[0], grey((9, 14, 3)))
    _manifest(cars, ["path", "label", "model", "source_file"], car_rows)

    characters = root / "plates" / "characters"
    for name in ("A/a-1.png", "0/0-1.png", "0/0-2.png"):
        _save(characters / name, grey((33, 20)))
    _manifest(
        characters,
        ["path", "label"],
        [["0/0-1.png", "0"], ["0/0-2.png", "0"], ["A/a-1.png", "A"]],
    )

    us = root / "plates" / "openalpr" / "us"
    _save(us / "one.jpg", grey((40, 60, 3)))
    _save(us / "two.png", grey((30, 50, 3)))
    _manifest(
        us,
        ["path", "plate_text", "x", "y", "w", "h"],
        [["one.jpg", "ABC123", -1, 2, 30, 10], ["two.png", "7XYZ42", 5, 6, 20, 8]],
    )
    br = root / "plates" / "openalpr" / "br"
    _save(br / "AYO9034.jpg", grey((40, 40, 3)))
    _manifest(
        br,
        ["path", "plate_text", "x", "y", "w", "h"],
        [["AYO9034.jpg", "AYO9034", 1, 2, 3, 4]],
    )
    return root


# --------------------------------------------------------------------------
# get_data_home / clear_data_home


def test_get_data_home_argument_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEVISION_DATA", str(tmp_path / "from_env"))
    home = get_data_home(tmp_path / "from_arg")
    assert home == tmp_path / "from_arg"
    assert isinstance(home, Path)
    assert not home.exists()


def test_get_data_home_environment_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEVISION_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == tmp_path / "from_env"
    monkeypatch.delenv("PLATEVISION_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == tmp_path / "platevision_data"
    assert not (tmp_path / "platevision_data").exists()
    monkeypatch.setenv("PLATEVISION_DATA", "")  # empty counts as unset
    assert get_data_home() == tmp_path / "platevision_data"


def test_get_data_home_expands_user_and_creates_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    home = get_data_home("~/cache/pv")
    assert home == tmp_path / "cache" / "pv"
    assert not home.exists()
    assert get_data_home("~/cache/pv", create=True).is_dir()


def test_get_data_home_rejects_wrong_type():
    with pytest.raises(TypeError, match="data_home must be None, a str or a path"):
        get_data_home(42)


def test_clear_data_home_empties_but_keeps_the_folder(tmp_path):
    home = get_data_home(tmp_path / "data", create=True)
    (home / "faces" / "orl").mkdir(parents=True)
    (home / "faces" / "orl" / "manifest.csv").write_text("path,label\n")
    (home / "note.txt").write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    (home / "link").symlink_to(outside, target_is_directory=True)

    clear_data_home(home)

    assert home.is_dir()
    assert list(home.iterdir()) == []
    assert (outside / "keep.txt").read_text() == "keep"  # links are not followed


def test_clear_data_home_missing_folder_is_a_no_op(tmp_path):
    clear_data_home(tmp_path / "never_made")
    assert not (tmp_path / "never_made").exists()


def test_clear_data_home_refuses_home_and_root(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "precious.txt").write_text("x")
    with pytest.raises(ValueError, match="home folder.*Nothing was deleted"):
        clear_data_home(tmp_path)
    with pytest.raises(ValueError, match="filesystem root"):
        clear_data_home("/")
    assert (tmp_path / "precious.txt").exists()


def test_clear_data_home_rejects_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="must be a folder.*file"):
        clear_data_home(tmp_path / "file")


@pytest.mark.parametrize("name", ["faces", "cars", "plate_characters", "plates"])
def test_descr_has_origin_licence_and_references(name):
    text = _load_descr(name)
    assert "**Origin.**" in text
    assert "**Licence.**" in text
    assert "**References**" in text


# --------------------------------------------------------------------------
# Loaders on a fake data folder


def test_load_faces_fake(fake_data_home):
    faces = load_faces(data_home=fake_data_home)
    assert isinstance(faces, Bunch)
    assert set(faces) == {"images", "target", "target_names", "filenames", "DESCR"}
    folder = fake_data_home / "faces" / "orl"
    expected = [str(folder / "s1" / "1.png"), str(folder / "s1" / "2.png")]
    assert faces.images[:2] == expected
    assert all(isinstance(path, str) and os.path.isabs(path) for path in faces.images)
    assert list(faces.filenames) == faces.images
    np.testing.assert_array_equal(faces.target, ["s1", "s1", "s2"])
    np.testing.assert_array_equal(faces.target_names, ["s1", "s2"])
    assert faces.DESCR.startswith(".. _orl_faces_dataset:")


def test_load_images_reads_arrays_as_stored(fake_data_home):
    X, y = load_faces(data_home=fake_data_home, return_X_y=True, load_images=True)
    paths = load_faces(data_home=fake_data_home).filenames
    assert len(X) == len(y) == 3
    for image, path in zip(X, paths, strict=True):
        assert image.dtype == np.uint8
        np.testing.assert_array_equal(image, read_image(path))


def test_return_X_y_gives_paths_and_target(fake_data_home):
    X, y = load_plate_characters(data_home=fake_data_home, return_X_y=True)
    assert isinstance(X, list)
    assert len(X) == 3
    np.testing.assert_array_equal(y, ["0", "0", "A"])


def test_load_plate_characters_fake(fake_data_home):
    characters = load_plate_characters(data_home=fake_data_home)
    np.testing.assert_array_equal(characters.target_names, ["0", "A"])
    assert "Brazil" in characters.DESCR


@pytest.mark.parametrize(
    ("level", "target", "names"),
    [
        ("make", ["Audi", "Audi", "BMW"], ["Audi", "BMW"]),
        (
            "model",
            ["Audi S4 Sedan 2012", "Audi TT Coupe 2011", "BMW M3 Coupe 2012"],
            ["Audi S4 Sedan 2012", "Audi TT Coupe 2011", "BMW M3 Coupe 2012"],
        ),
    ],
)
def test_load_cars_level(fake_data_home, level, target, names):
    cars = load_cars(level=level, data_home=fake_data_home)
    np.testing.assert_array_equal(cars.target, target)
    np.testing.assert_array_equal(cars.target_names, names)
    np.testing.assert_array_equal(cars.make, ["Audi", "Audi", "BMW"])
    assert cars.model[1] == "Audi TT Coupe 2011"
    assert cars.source_file[2] == "cars_train/00003.jpg"
    X, _ = load_cars(
        level=level, data_home=fake_data_home, return_X_y=True, load_images=True
    )
    assert X[0].shape == (9, 14, 3)


@pytest.mark.parametrize(
    ("region", "target", "boxes"),
    [
        ("us", ["ABC123", "7XYZ42"], [[-1, 2, 30, 10], [5, 6, 20, 8]]),
        ("br", ["AYO9034"], [[1, 2, 3, 4]]),
    ],
)
def test_load_plates_fake(fake_data_home, region, target, boxes):
    plates = load_plates(region=region, data_home=fake_data_home)
    assert set(plates) == {"images", "target", "boxes", "filenames", "DESCR"}
    np.testing.assert_array_equal(plates.target, target)
    assert plates.boxes.dtype == np.int64
    np.testing.assert_array_equal(plates.boxes, boxes)
    assert plates.boxes.shape == (len(target), 4)


def test_environment_variable_points_at_data(fake_data_home, monkeypatch):
    monkeypatch.setenv("PLATEVISION_DATA", str(fake_data_home))
    assert len(load_faces().images) == 3


@pytest.mark.parametrize(
    ("loader", "folder"),
    [
        (load_faces, "faces/orl"),
        (load_cars, "cars/stanford_cars_make"),
        (load_plate_characters, "plates/characters"),
        (load_plates, "plates/openalpr/us"),
    ],
)
def test_missing_set_folder_says_how_to_point_at_data(tmp_path, loader, folder):
    with pytest.raises(OSError, match="data_home argument or the PLATEVISION_DATA"):
        loader(data_home=tmp_path)
    with pytest.raises(FileNotFoundError, match=f"{folder}' does not exist"):
        loader(data_home=tmp_path)


def test_missing_manifest_is_named(fake_data_home):
    (fake_data_home / "faces" / "orl" / "manifest.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"manifest\.csv' does not exist"):
        load_faces(data_home=fake_data_home)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"return_X_y": 1}, TypeError, "return_X_y must be a bool; got 1"),
        ({"load_images": "yes"}, TypeError, "load_images must be a bool; got 'yes'"),
    ],
)
def test_bool_arguments_are_checked(fake_data_home, kwargs, error, match):
    with pytest.raises(error, match=match):
        load_faces(data_home=fake_data_home, **kwargs)


def test_choice_arguments_are_checked(fake_data_home):
    with pytest.raises(ValueError, match="level must be one of 'make', 'model'; got"):
        load_cars(level="year", data_home=fake_data_home)
    with pytest.raises(ValueError, match="region must be one of 'us', 'br'; got 'eu'"):
        load_plates(region="eu", data_home=fake_data_home)


# --------------------------------------------------------------------------
# Malformed manifests: every error names the manifest and the line

FACES_CASES = [
    ("path,name\ns1/1.png,s1\n", ValueError, r"line 1: .*column\(s\) label missing"),
    ("", ValueError, r"line 1: expected a header"),
    ("path,label\n", ValueError, r"lists no images"),
    ("path,label\ns1/1.png,s1,extra\n", ValueError, r"line 2: expected 2 fields"),
    ("path,label\ns1/1.png\n", ValueError, r"line 2: expected 2 fields.*got 1"),
    ("path,label\ns1/1.png,\n", ValueError, r"line 2: column 'label' must not be"),
    ("path,label\n../x.png,s1\n", ValueError, r"line 2: .*stay inside.*'\.\./x\.png'"),
    ("path,label\ns1/../../x.png,s1\n", ValueError, r"line 2: .*contains '\.\.'"),
    ("path,label\n/etc/hosts,s1\n", ValueError, r"line 2: path must be relative"),
    ("path,label\nC:/x.png,s1\n", ValueError, r"line 2: path must be relative"),
    ("path,label\ns1\\1.png,s1\n", ValueError, r"line 2: path must be relative"),
    (
        "path,label\ns1/1.png,s1\n\ns1/9.png,s1\n",
        FileNotFoundError,
        r"line 4: image 's1/9\.png' does not exist",
    ),
    (
        "path,label\ns1/1.png,s1\ns1/1.png,s1\n",
        ValueError,
        r"line 3: path 's1/1\.png' is listed twice \(first on line 2\)",
    ),
    ('path,label\ns1/1.png,"s1\n', ValueError, r"line 2: not valid CSV"),
    ('path,label\ns1/1.png,"s"1\n', ValueError, r"line 2: not valid CSV"),
]


@pytest.mark.parametrize(("text", "error", "match"), FACES_CASES)
def test_malformed_manifest(fake_data_home, text, error, match):
    manifest = fake_data_home / "faces" / "orl" / "manifest.csv"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=match) as info:
        load_faces(data_home=fake_data_home)
    assert str(manifest) in str(info.value)


PLATE_HEADER = "path,plate_text,x,y,w,h\n"


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("one.jpg,ABC123,1,2,x,4", r"line 2: column 'w' must be an integer; got 'x'"),
        ("one.jpg,ABC123,1.5,2,3,4", r"line 2: column 'x' must be an integer"),
        ("one.jpg,ABC123,1,2,0,4", r"line 2: column 'w' must be a positive integer"),
        ("one.jpg,ABC123,1,2,3", r"line 2: expected 6 fields"),
        ("one.jpg,,1,2,3,4", r"line 2: column 'plate_text' must not be empty"),
    ],
)
def test_malformed_plate_manifest(fake_data_home, row, match):
    manifest = fake_data_home / "plates" / "openalpr" / "us" / "manifest.csv"
    manifest.write_text(PLATE_HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=match) as info:
        load_plates(data_home=fake_data_home)
    assert str(manifest) in str(info.value)


def test_manifest_extra_columns_bom_and_blank_lines(fake_data_home):
    folder = fake_data_home / "faces" / "orl"
    (folder / "manifest.csv").write_text(
        "\ufefflabel,note,path\r\ns1,a,s1/1.png\r\n\r\ns2,b,s2/1.png\r\n\r\n",
        encoding="utf-8",
    )
    table = _read_manifest(folder, ("path", "label"))
    assert table["label"] == ["s1", "s2"]
    assert table["path"] == [str(folder / "s1" / "1.png"), str(folder / "s2" / "1.png")]


def test_manifest_not_utf8(fake_data_home):
    manifest = fake_data_home / "faces" / "orl" / "manifest.csv"
    manifest.write_bytes(b"path,label\ns1/1.png,\xff\xfe\n")
    with pytest.raises(ValueError, match="must be UTF-8 text"):
        load_faces(data_home=fake_data_home)


# --------------------------------------------------------------------------
# The real data (skipped, with the reason, when the folder is absent)


def test_real_faces(shared_data):
    faces = load_faces(data_home=shared_data)
    assert len(faces.images) == len(faces.target) == 400
    assert len(faces.target_names) == 40
    assert all(os.path.isfile(path) for path in faces.images)
    image = read_image(faces.images[0])
    assert image.shape == (112, 92)
    assert "Olivetti" in faces.DESCR


def test_real_cars(shared_data):
    cars = load_cars(data_home=shared_data)
    assert len(cars.images) == 1367
    assert len(cars.target_names) == 10
    assert len(np.unique(cars.model)) == 110
    assert len(cars.source_file) == 1367
    by_model = load_cars(level="model", data_home=shared_data)
    assert len(by_model.target_names) == 110
    np.testing.assert_array_equal(by_model.make, cars.target)


def test_real_plate_characters(shared_data):
    characters = load_plate_characters(data_home=shared_data)
    assert len(characters.images) == 1772
    expected = sorted("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    np.testing.assert_array_equal(characters.target_names, expected)


@pytest.mark.parametrize(("region", "n_samples"), [("us", 222), ("br", 114)])
def test_real_plates(shared_data, region, n_samples):
    plates = load_plates(region=region, data_home=shared_data)
    assert len(plates.images) == len(plates.target) == n_samples
    assert plates.boxes.shape == (n_samples, 4)
    assert plates.boxes.dtype == np.int64
    assert (plates.boxes[:, 2:] > 0).all()
    assert all(re.fullmatch("[A-Z0-9]{5,8}", text) for text in plates.target)
