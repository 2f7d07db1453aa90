"""The ``platevision`` command line, run in-process (main(argv) -> exit code)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter

import platevision
from platevision import _demo
from platevision.cli import COMMANDS, main
from platevision.datasets import damage_characters, make_plate_characters
from platevision.features import HOGTransformer
from platevision.restoration import PlateCharacterRestorer

SMALL = {"n_prototypes": 2, "n_augment": 0, "hidden_layer_sizes": (32,)}


def _png(path: Path, image: np.ndarray) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(path)
    return str(path)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A restorer model, broken tiles, a faces folder per person and a manifest."""
    root = tmp_path_factory.mktemp("cli")
    train = make_plate_characters(6, alphabet="AB8", random_state=0)
    restorer = PlateCharacterRestorer(**SMALL, random_state=0)
    platevision.save(restorer.fit(train.images, train.target), root / "r.skops")
    test = make_plate_characters(1, alphabet="AB8", random_state=1)
    broken, _ = damage_characters(test.images, kind="chips", random_state=0)
    tiles = [
        _png(root / "tiles" / f"{label}.png", image)
        for label, image in zip(test.target, broken, strict=True)
    ]
    rng = np.random.default_rng(0)
    people = gaussian_filter(rng.random((3, 28, 24)), (0, 1.5, 1.5))
    people = (people - people.min()) / np.ptp(people)
    names = ["ann", "bob", "eve"]
    rows = ["path,label"]
    for p, name in enumerate(names):
        for k in range(3):
            face = people[p] + rng.normal(0, 0.05, people[p].shape)
            _png(root / "faces" / name / f"{k}.png", face)
            _png(root / "labelled" / f"{name}{k}.png", face)
            rows.append(f"{name}{k}.png,{name}")
    (root / "labelled" / "manifest.csv").write_text("\n".join(rows) + "\n")
    photos = [
        _png(root / "photos" / f"{name}.png", people[p]) for p, name in enumerate(names)
    ]
    return {
        "root": root,
        "tiles": tiles,
        "labels": list(test.target),
        "photos": photos,
        "names": names,
    }


def _run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        *[[name] for name in COMMANDS],
        ["faces", "train"],
        ["faces", "identify"],
        ["cars", "train"],
        ["cars", "predict"],
    ],
)
def test_every_command_has_help_with_examples(argv, capsys):
    code, out, _ = _run([*argv, "--help"], capsys)
    assert code == 0
    assert "examples:\n  platevision" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["nope"], ["restore", "a.png"], ["faces"], ["demo", "--format", "xml"]],
)
def test_usage_errors_exit_2(argv, capsys):
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert "usage: platevision" in err


def test_json_output_is_strict_json():
    # A photo without a face has an infinite distance; strict parsers (jq)
    # refuse Infinity and NaN, so they are written as null.
    from platevision.cli._common import emit

    stream = io.StringIO()
    rows = [{"photo": "a.png", "distance": float("inf"), "score": float("nan")}]
    emit([*rows, {"photo": "b.png", "distance": 0.5, "score": 1.25}], "json", stream)

    def refuse(constant):
        raise AssertionError(constant)

    parsed = json.loads(stream.getvalue(), parse_constant=refuse)
    assert parsed == [
        {"photo": "a.png", "distance": None, "score": None},
        {"photo": "b.png", "distance": 0.5, "score": 1.25},
    ]


def test_restore_reads_and_writes_restored_tiles(work, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = _run(
        [
            "restore",
            *work["tiles"],
            "-m",
            work["root"] / "r.skops",
            "-o",
            out_dir,
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [row["tile"] for row in rows] == work["tiles"]
    for row in rows:
        assert row["reading"] in {"A", "B", "8"}
        others = [float(o.split(":")[1]) for o in row["others"].split()]
        assert len(others) == 2
        assert 1 >= row["probability"] >= max(others) >= 0
        restored = np.asarray(Image.open(row["restored"]))
        assert restored.shape == (32, 20)
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "8.restored.png",
        "A.restored.png",
        "B.restored.png",
    ]
    code, out, _ = _run(
        [
            "restore",
            work["tiles"][0],
            "-m",
            work["root"] / "r.skops",
            "-o",
            out_dir,
            "--format",
            "csv",
            "--top-k",
            "2",
        ],
        capsys,
    )
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert len(row["others"].split()) == 1
    code, out, _ = _run(
        ["restore", work["tiles"][0], "-m", work["root"] / "r.skops", "-o", out_dir],
        capsys,
    )
    assert code == 0
    assert out.splitlines()[0].split() == [
        "tile",
        "reading",
        "probability",
        "others",
        "restored",
    ]


def test_restore_without_model_fits_the_default_and_says_so(
    work, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(_demo, "DEMO_PARAMS", SMALL)
    fitted = {}

    def small_default(**kwargs):
        train = make_plate_characters(2, alphabet="AB8", random_state=0)
        fitted["model"] = _demo._restorer(0, None).fit(train.images, train.target)
        return fitted["model"]

    monkeypatch.setattr(_demo, "default_restorer", small_default)
    code, out, err = _run(["restore", work["tiles"][0], "-o", tmp_path], capsys)
    assert code == 0
    assert "no model given (-m): fitting a default PlateCharacterRestorer" in err
    assert "model" in fitted


def _bad_inputs(work, tmp_path):
    text = tmp_path / "text.png"
    text.write_text("not an image")
    faces_model = tmp_path / "faces.skops"
    platevision.save(HOGTransformer(), faces_model)
    (tmp_path / "empty").mkdir()
    r = work["root"] / "r.skops"
    return [
        (
            ["restore", tmp_path / "missing.png", "-m", r],
            r"tile '.*missing\.png' "
            "does not exist",
        ),
        (["restore", text, "-m", r], r"image file '.*text\.png' could not be read"),
        (
            ["restore", work["tiles"][0], "-m", text],
            r"model file '.*text\.png' is truncated or corrupt",
        ),
        (
            ["restore", work["tiles"][0], "-m", faces_model],
            r"holds a platevision\.features\.HOGTransformer; expected a "
            "PlateCharacterRestorer",
        ),
        (
            ["faces", "identify", r, work["photos"][0]],
            "holds a platevision.restoration.PlateCharacterRestorer; expected a "
            "FaceKNNClassifier",
        ),
        (["faces", "train", tmp_path / "empty"], r"empty' holds no labelled images"),
        (["faces", "train", tmp_path / "nowhere"], r"nowhere' does not exist"),
        (
            ["evaluate", faces_model, work["root"] / "labelled"],
            "expected a ClassifierMixin",
        ),
        (["evaluate", r, tmp_path / "empty"], "holds no labelled images"),
    ]


def test_bad_input_exits_1_with_one_line_and_writes_nothing(work, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for argv, message in _bad_inputs(work, inputs):
        out_dir = tmp_path / "out"
        if argv[0] == "restore":
            argv = [*argv, "-o", out_dir]
        elif argv[:2] == ["faces", "train"]:
            argv = [*argv, "-o", tmp_path / "m.skops"]
        before = sorted(inputs.iterdir())
        code, out, err = _run(argv, capsys)
        assert code == 1, (argv, err)
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith(f"platevision {argv[0]}: error: ")
        assert re.search(message, err), err
        assert not out_dir.exists()
        assert not (tmp_path / "m.skops").exists()
        assert sorted(inputs.iterdir()) == before


@pytest.mark.parametrize("layout", ["faces", "labelled"])
def test_faces_train_identify_evaluate(work, tmp_path, capsys, layout):
    model = tmp_path / "faces.skops"
    code, out, err = _run(
        ["faces", "train", work["root"] / layout, "-o", model, "--format", "json"],
        capsys,
    )
    assert code == 0, err
    (summary,) = json.loads(out)
    assert (summary["photos"], summary["people"]) == (9, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["faces.skops"]
    code, out, err = _run(
        ["faces", "identify", model, *work["photos"], "--format", "json"], capsys
    )
    assert code == 0, err
    assert [row["person"] for row in json.loads(out)] == work["names"]
    code, out, err = _run(
        ["evaluate", model, work["root"] / "labelled", "--format", "csv"], capsys
    )
    assert code == 0, err
    rows = {row["label"]: row for row in csv.DictReader(io.StringIO(out))}
    assert set(rows) == {"ann", "bob", "eve", "all"}
    assert rows["all"]["images"] == "9"
    assert float(rows["all"]["accuracy"]) == 1.0


def test_faces_warnings_name_the_photo_on_one_line_and_quiet_silences_them(
    work, tmp_path, capsys
):
    # The random patterns hold no face: with --detect each photo is used whole,
    # and the warning names its file (not X[i]) on one line of its own.
    model = tmp_path / "faces.skops"
    folder = work["root"] / "faces"
    code, _, err = _run(["faces", "train", folder, "-o", model, "--detect"], capsys)
    assert code == 0, err
    warned = [line for line in err.splitlines() if "warning:" in line]
    files = sorted(str(p) for p in folder.rglob("*.png"))
    assert sorted(re.findall(r"no face found in '([^']+)'", err)) == files
    assert all(
        line.startswith("platevision faces: warning: no face found in '")
        and line.endswith("; used whole for training.")
        for line in warned
    ), warned
    assert "X[" not in err
    assert "Warning" not in err  # no Python warning lines (category, source)

    blank = _png(tmp_path / "blank.png", np.full((60, 60), 0.5))
    photos = [*work["photos"], blank]
    code, out, err = _run(
        ["faces", "identify", model, *photos, "--format", "json"], capsys
    )
    assert code == 0, err
    assert re.findall(r"no face found in '([^']+)'", err) == photos
    assert json.loads(out)[-1]["distance"] is None  # inf, written as null

    code, _, err = _run(
        ["faces", "train", folder, "-o", model, "--detect", "-q"], capsys
    )
    assert (code, err) == (0, "")


def test_demo_writes_a_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(_demo, "DEMO_PARAMS", SMALL)
    monkeypatch.delenv("PLATEVISION_DATA", raising=False)
    out_dir = tmp_path / "report"
    code, out, err = _run(
        ["demo", "-o", out_dir, "--n-train", "2", "--n-test", "1", "--format", "json"],
        capsys,
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [row["damage"] for row in rows] == [
        "none",
        "occlusion",
        "chips",
        "scratches",
        "dirt",
        "fading",
    ]
    assert all(row["n"] == 36 for row in rows)
    assert all(0 <= row["accuracy"] <= row["top3_accuracy"] <= 1 for row in rows)
    # Clean characters read better than chance by far.
    assert rows[0]["accuracy"] > 0.5
    page = (out_dir / "index.html").read_text()
    images = re.findall(r'src="(images/[^"]+\.png)"', page)
    assert len(images) == 2 * 6 * 6
    assert all((out_dir / name).is_file() for name in images)
    assert "report written to" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["images", "index.html"]


def test_demo_refuses_a_data_folder_without_characters(tmp_path, capsys):
    code, _, err = _run(["demo", "--data", tmp_path, "-o", tmp_path / "o"], capsys)
    assert code == 1
    assert "has no plates/characters/manifest.csv" in err
    assert not (tmp_path / "o").exists()


def test_demo_takes_real_tiles_from_a_data_folder(shared_data):
    source, X_train, y_train, X_test, y_test = _demo._characters(shared_data, 2, 1, 0)
    assert source.startswith("real character tiles from")
    labels = np.unique(y_train)
    assert len(labels) == 36
    assert np.array_equal(np.unique(y_test), labels)
    assert len(X_train) == 2 * 36
    assert len(X_test) == 36
    # Held-out tiles are not training tiles.
    train_ids = {image.tobytes() for image in X_train}
    assert not any(image.tobytes() in train_ids for image in X_test)


def test_installed_script_and_module(work, tmp_path):
    script = Path(sys.executable).parent / "platevision"
    result = subprocess.run(
        [
            str(script),
            "faces",
            "identify",
            str(tmp_path / "no.skops"),
            work["photos"][0],
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no.skops' does not exist" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "platevision", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (
        0,
        f"platevision {platevision.__version__}",
    )
