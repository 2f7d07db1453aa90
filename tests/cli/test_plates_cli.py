"""``platevision plates train`` and ``platevision read``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import platevision
from platevision.cli import main
from platevision.datasets import make_plates
from platevision.restoration import PlateCharacterRestorer


def _quick_defaults(patch):
    """Make the default restorer smaller (same class: model files trust it)."""
    defaults = PlateCharacterRestorer.__init__.__kwdefaults__
    patch.setitem(defaults, "n_augment", 1)
    patch.setitem(defaults, "hidden_layer_sizes", (32,))
    patch.setitem(defaults, "n_proposals", 1)


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("plates")
    plates = make_plates(36, pattern="LLLDDDD", random_state=3)
    with open(root / "manifest.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "plate_text", "x", "y", "w", "h"])
        for i, (image, text, box) in enumerate(
            zip(plates.images, plates.target, plates.boxes, strict=True)
        ):
            name = f"car{i}.png"
            Image.fromarray(np.round(image * 255).astype(np.uint8)).save(root / name)
            writer.writerow([name, text, *box])
    return root, list(plates.target)


@pytest.fixture(scope="module")
def model(folder, tmp_path_factory):
    root, _ = folder
    path = tmp_path_factory.mktemp("models") / "plates.skops"
    with pytest.MonkeyPatch.context() as patch:
        _quick_defaults(patch)
        assert (
            main(
                [
                    "plates",
                    "train",
                    str(root),
                    "-o",
                    str(path),
                    "-q",
                    "--patterns",
                    "LLLDDDD",
                ]
            )
            == 0
        )
    return path


def test_train_writes_a_plate_reader(model):
    reader = platevision.load(model)
    assert type(reader).__name__ == "PlateReader"
    assert reader.patterns_ == ("LLLDDDD",)
    assert reader.n_training_plates_ >= 30


def test_read_prints_each_photo_s_plate(folder, model, capsys):
    root, texts = folder
    photos = [root / f"car{i}.png" for i in range(30, 36)]
    code, out, err = _run(["read", *photos, "-m", model, "--format", "json"], capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert [row["photo"] for row in rows] == [str(p) for p in photos]
    read = [row["plate"] for row in rows]
    assert np.mean(np.array(read) == np.array(texts[30:36])) >= 0.6
    for row in rows:
        if row["plate"]:
            assert 0 < row["probability"] <= 1
            assert len(row["box"].split()) == 4


def test_read_gives_an_empty_text_for_a_photo_without_a_plate(model, tmp_path, capsys):
    blank = tmp_path / "wall.png"
    Image.fromarray(np.full((80, 120), 128, dtype=np.uint8)).save(blank)
    code, out, _ = _run(["read", blank, "-m", model, "--format", "csv"], capsys)
    assert code == 0
    row = next(csv.DictReader(out.splitlines()))
    assert row["plate"] == ""


def test_read_without_a_model_fits_on_synthetic_plates_and_says_so(
    folder, capsys, monkeypatch
):
    root, _ = folder
    _quick_defaults(monkeypatch)
    code, out, err = _run(["read", root / "car30.png"], capsys)
    assert code == 0
    assert "no model given (-m): fitting a PlateReader on synthetic plates" in err


@pytest.mark.parametrize("case", ["no manifest", "missing photo", "wrong model"])
def test_bad_input_exits_1_with_one_line_and_writes_nothing(
    case, folder, model, tmp_path, capsys
):
    root, _ = folder
    out_model = tmp_path / "out.skops"
    if case == "no manifest":
        argv = ["plates", "train", tmp_path, "-o", out_model]
        expected = "has no manifest.csv"
    elif case == "missing photo":
        argv = ["read", tmp_path / "nope.jpg", "-m", model]
        expected = "does not exist"
    else:
        restorer = PlateCharacterRestorer(n_augment=0, random_state=0).fit(
            np.eye(8)[None].repeat(4, 0), ["a", "b", "a", "b"]
        )
        wrong = tmp_path / "restorer.skops"
        platevision.save(restorer, wrong)
        argv = ["read", root / "car30.png", "-m", wrong]
        expected = "PlateReader"
    code, out, err = _run(argv, capsys)
    assert code == 1
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert not Path(out_model).exists()


def test_a_photo_without_a_known_box_leaves_x_y_w_h_empty(folder, tmp_path):
    from platevision.cli._common import InputError
    from platevision.cli._plates import _read_plate_folder

    root, texts = folder
    rows = (root / "manifest.csv").read_text().splitlines()
    rows[2] = rows[2].split(",")[0] + f",{texts[1]},,,,"  # car1: box not known
    for row in rows[1:4]:
        name = row.split(",")[0]
        (tmp_path / name).write_bytes((root / name).read_bytes())
    (tmp_path / "manifest.csv").write_text("\n".join(rows[:4]) + "\n")
    paths, got_texts, boxes = _read_plate_folder(str(tmp_path))
    assert got_texts == texts[:3]
    assert boxes[1] is None
    assert [list(b) for b in (boxes[0], boxes[2])] == [
        [int(v) for v in rows[k].split(",")[2:]] for k in (1, 3)
    ]
    # Part of a box is an error naming the columns and the line.
    rows[2] = rows[2][:-3] + "5,,,"
    (tmp_path / "manifest.csv").write_text("\n".join(rows[:4]) + "\n")
    with pytest.raises(InputError, match=r"line 3: columns x, y, w, h must all be"):
        _read_plate_folder(str(tmp_path))
