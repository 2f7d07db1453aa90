"""``platevision cars train`` / ``platevision cars predict``."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import numpy as np
import pytest
from scipy.ndimage import zoom

import platevision
from platevision.classification import CarForestClassifier
from platevision.features import HOGTransformer

# Synthetic "cars": each model has its own stripe pattern; two makes, three models.
MODELS = {"Audi A4": "Audi", "Audi A5": "Audi", "BMW X3": "BMW"}


def _car(model, rng):
    rows, cols = np.indices((16, 32))
    pattern = {
        "Audi A4": rows // 2 % 2,
        "Audi A5": (rows + cols) // 3 % 2,
        "BMW X3": cols // 2 % 2,
    }[model]
    return zoom(pattern * 0.6 + rng.random((16, 32)) * 0.4, 4, order=0)


@pytest.fixture(scope="module")
def cars(tmp_path_factory, png):
    """Sub-folders per make, a manifest with models, and unseen photos."""
    root = tmp_path_factory.mktemp("cars")
    rng = np.random.default_rng(0)
    rows = ["path,label,model"]
    for model, make in MODELS.items():
        for k in range(6):
            name = f"{model.replace(' ', '_')}_{k}.png"
            image = _car(model, rng)
            png(root / "makes" / make / name, image)
            png(root / "labelled" / name, image)
            rows.append(f"{name},{make},{model}")
    (root / "labelled" / "manifest.csv").write_text("\n".join(rows) + "\n")
    photos = [
        png(root / "new" / f"{k}.png", _car(m, rng)) for k, m in enumerate(MODELS)
    ]
    return root, photos


def test_train_predict_evaluate_makes(cars, tmp_path, run_cli):
    root, photos = cars
    model = tmp_path / "cars.skops"
    code, out, err = run_cli(
        ["cars", "train", root / "makes", "-o", model, "--features", "hog",
         "--n-estimators", "30", "--format", "json"]
    )  # fmt: skip
    assert code == 0, err
    (summary,) = json.loads(out)
    assert (summary["photos"], summary["level"], summary["classes"]) == (18, "make", 2)
    assert [p.name for p in tmp_path.iterdir()] == ["cars.skops"]
    assert isinstance(platevision.load(model), CarForestClassifier)

    code, out, err = run_cli(["cars", "predict", model, *photos, "--top", "2",
                              "--format", "json"])  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert [row["photo"] for row in rows] == photos
    assert [row["label"] for row in rows] == list(MODELS.values())
    for row in rows:
        top = row["top"].split(" | ")
        assert top[0] == row["label"]
        assert sorted(top) == ["Audi", "BMW"]
        assert 0.5 <= row["probability"] <= 1.0

    code, out, err = run_cli(["evaluate", model, root / "labelled", "--format", "csv"])
    assert code == 0, err
    table = {row["label"]: row for row in csv.DictReader(io.StringIO(out))}
    assert table["all"]["images"] == "18"
    assert float(table["all"]["accuracy"]) == 1.0


def test_train_both_levels_from_a_manifest(cars, tmp_path, run_cli):
    root, photos = cars
    model = tmp_path / "cars.skops"
    code, out, err = run_cli(
        ["cars", "train", root / "labelled", "-o", model, "--level", "both",
         "--features", "hog", "--n-estimators", "30", "-q"]
    )  # fmt: skip
    assert code == 0, err
    assert "2 makes, 3 models" in out
    assert err == ""  # -q: no notes
    code, out, err = run_cli(["cars", "predict", model, *photos, "--format", "csv"])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["model"] for row in rows] == list(MODELS)
    # The model named is always one of the make named.
    assert all(MODELS[row["model"]] == row["make"] for row in rows)
    # evaluate compares the make of a (make, model) classifier with the folder's label
    code, out, err = run_cli(["evaluate", model, root / "labelled", "--format", "json"])
    assert code == 0, err
    assert json.loads(out)[-1] == {
        "label": "all", "images": 18, "correct": 18, "accuracy": 1.0
    }  # fmt: skip


def test_default_features_train_and_predict(cars, tmp_path, run_cli):
    root, photos = cars
    model = tmp_path / "fisher.skops"
    code, _, err = run_cli(["cars", "train", root / "makes", "-o", model,
                            "--n-estimators", "30", "-q"])  # fmt: skip
    assert code == 0, err
    code, out, err = run_cli(["cars", "predict", model, *photos, "--format", "json"])
    assert code == 0, err
    assert [row["label"] for row in json.loads(out)] == list(MODELS.values())


def test_bad_input_exits_1_and_writes_nothing(cars, tmp_path, run_cli):
    root, photos = cars
    hog = tmp_path / "hog.skops"
    platevision.save(HOGTransformer(), hog)
    out_model = tmp_path / "out.skops"
    one_make = tmp_path / "one"
    (one_make / "Audi").mkdir(parents=True)
    for k, photo in enumerate(photos[:2]):
        shutil.copy(photo, one_make / "Audi" / f"{k}.png")
    cases = [
        (["cars", "train", root / "makes", "-o", out_model, "--level", "model"],
         r"has no manifest\.csv; --level model needs one"),
        (["cars", "train", one_make, "-o", out_model],
         "needs photos of 2 labels or more; got 1"),
        (["cars", "train", root / "makes", "-o", tmp_path / "no" / "m.skops"],
         "of the model file does not exist"),
        (["cars", "predict", hog, *photos],
         r"HOGTransformer; expected a CarForestClassifier"),
        (["cars", "predict", tmp_path / "missing.skops", *photos],
         r"missing\.skops' does not exist"),
    ]  # fmt: skip
    before = sorted(p.name for p in tmp_path.iterdir())
    for argv, message in cases:
        code, out, err = run_cli(argv)
        assert code == 1, (argv, err)
        assert out == ""
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("platevision cars: error: ")
        assert re.search(message, err), err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_predict_top_out_of_range(cars, tmp_path, run_cli):
    root, photos = cars
    model = tmp_path / "cars.skops"
    assert run_cli(["cars", "train", root / "makes", "-o", model, "--features",
                    "hog", "--n-estimators", "10", "-q"])[0] == 0  # fmt: skip
    code, out, err = run_cli(["cars", "predict", model, photos[0], "--top", "3"])
    assert (code, out) == (1, "")
    assert "--top must be in [1, 2] (the model's labels); got 3." in err
