"""Safe model files: platevision.save / platevision.load."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.base import clone, is_classifier
from sklearn.preprocessing import FunctionTransformer

import platevision
from platevision import _persistence
from platevision.exceptions import ModelFileError, UntrustedTypesError
from platevision.features import HOGTransformer
from platevision.restoration import PlateCharacterRestorer
from platevision.utils.discovery import all_estimators
from platevision.utils.estimator_checks import _fast_params, _make_images

X, Y = _make_images()


@pytest.fixture(scope="module")
def hog_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "hog.skops"
    platevision.save(HOGTransformer(image_shape=(16, 16)), path)
    return path


def _rewrite(source, target, *, metadata=None, schema=None, extra=None, drop=()):
    """Copy a model file, replacing its metadata/schema or adding members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in drop:
                continue
            data = old.read(name)
            if name == "platevision.json" and metadata is not None:
                data = json.dumps(metadata).encode()
            if name == "schema.json" and schema is not None:
                data = json.dumps(schema).encode()
            new.writestr(name, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


@pytest.mark.parametrize(
    ("name", "estimator_class"), all_estimators(), ids=[n for n, _ in all_estimators()]
)
def test_round_trip_of_every_estimator(name, estimator_class, tmp_path):
    X, Y = _make_images(estimator_class())
    fitted = estimator_class(**_fast_params(name)).fit(X, Y)
    path = platevision.save(fitted, tmp_path / f"{name}.skops")
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.skops"]
    loaded = platevision.load(path, expected=estimator_class)
    assert type(loaded) is estimator_class
    # Nested estimators (a restorer, a transformer) are new objects: compare reprs.
    params = {k: repr(v) for k, v in fitted.get_params(deep=False).items()}
    assert {k: repr(v) for k, v in loaded.get_params(deep=False).items()} == params
    for method in ("transform", "predict", "predict_proba"):
        if hasattr(fitted, method):
            np.testing.assert_array_equal(
                getattr(loaded, method)(X), getattr(fitted, method)(X), err_msg=method
            )
    if is_classifier(fitted):
        np.testing.assert_array_equal(loaded.classes_, fitted.classes_)


def test_file_carries_version_and_kind(hog_file):
    with zipfile.ZipFile(hog_file) as archive:
        metadata = json.loads(archive.read("platevision.json"))
    assert metadata["format"] == "platevision-model"
    assert metadata["platevision_version"] == platevision.__version__
    assert metadata["estimator"] == "platevision.features.HOGTransformer"


def test_save_overwrites_atomically_and_failure_keeps_the_old_file(
    tmp_path, monkeypatch
):
    path = tmp_path / "model.skops"
    platevision.save(HOGTransformer(image_shape=(16, 16)), path)
    good = path.read_bytes()

    def crash(src, dst):
        msg = "disk full"
        raise OSError(msg)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        platevision.save(HOGTransformer(image_shape=(8, 8)), path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.skops"]
    assert path.read_bytes() == good
    assert platevision.load(path).image_shape == (16, 16)
    platevision.save(HOGTransformer(image_shape=(8, 8)), path)
    assert platevision.load(path).image_shape == (8, 8)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX permissions")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_saved_file_has_the_permissions_of_a_new_file(tmp_path, umask, mode):
    # Written through mkstemp (owner-only), it must still end up as open() would
    # make it, so that a model can be shared as any other file.
    previous = os.umask(umask)
    try:
        path = platevision.save(HOGTransformer(image_shape=(16, 16)), tmp_path / "m")
        (tmp_path / "plain").write_bytes(b"")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode
    assert (tmp_path / "plain").stat().st_mode & 0o777 == mode


def test_save_refuses_what_load_would_refuse(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(b"old")
    model = FunctionTransformer(np.sqrt).fit(np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"numpy\..*sqrt\(\).*Nothing was written"):
        platevision.save(model, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]
    with pytest.raises(TypeError, match="must be a scikit-learn compatible"):
        platevision.save({"a": 1}, tmp_path / "dict.skops")


def test_save_bad_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; create it"):
        platevision.save(HOGTransformer(), tmp_path / "no" / "m.skops")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        platevision.save(HOGTransformer(), tmp_path)


def test_load_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"m\.skops' does not exist"):
        platevision.load(tmp_path / "m.skops")
    with pytest.raises(ModelFileError, match="is a folder"):
        platevision.load(tmp_path)


def test_load_refuses_files_that_are_not_models(tmp_path, hog_file):
    text = tmp_path / "notes.skops"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match=r"notes\.skops' is truncated or corrupt"):
        platevision.load(text)
    truncated = tmp_path / "truncated.skops"
    truncated.write_bytes(hog_file.read_bytes()[:-40])
    with pytest.raises(ModelFileError, match=r"truncated\.skops' is truncated"):
        platevision.load(truncated)
    plain = tmp_path / "plain.skops"
    sio.dump(HOGTransformer(), plain)
    with pytest.raises(ModelFileError, match="is not a platevision model file"):
        platevision.load(plain)


def test_load_refuses_corrupt_member(tmp_path, hog_file):
    data = bytearray(hog_file.read_bytes())
    # Flip bytes inside the first member's compressed data: its CRC fails.
    data[60:64] = bytes(255 - b for b in data[60:64])
    corrupt = tmp_path / "corrupt.skops"
    corrupt.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="corrupt"):
        platevision.load(corrupt)


def test_load_refuses_another_major_version(tmp_path, hog_file):
    with zipfile.ZipFile(hog_file) as archive:
        metadata = json.loads(archive.read("platevision.json"))
    major = int(platevision.__version__.split(".")[0])
    metadata["platevision_version"] = f"{major + 1}.0.0"
    path = _rewrite(hog_file, tmp_path / "future.skops", metadata=metadata)
    with pytest.raises(
        ModelFileError, match=rf"written by platevision {major + 1}\.0\.0"
    ):
        platevision.load(path)


def test_load_refuses_wrong_kind(hog_file):
    with pytest.raises(
        ModelFileError,
        match=r"holds a platevision\.features\.HOGTransformer; expected a "
        r"PlateCharacterRestorer",
    ):
        platevision.load(hog_file, expected=PlateCharacterRestorer)


def _crafted_schema(callable_node):
    """A skops schema for a dict holding a reference to a dangerous callable."""
    return {
        "__class__": "dict",
        "__module__": "builtins",
        "__loader__": "DictNode",
        "content": {"x": callable_node},
        "key_types": {
            "__class__": "list",
            "__module__": "builtins",
            "__loader__": "ListNode",
            "content": [
                {"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode"}
            ],
        },
        "protocol": 2,
        "_skops_version": "0.11.0",
    }


@pytest.mark.parametrize(
    ("node", "named"),
    [
        (
            {"__class__": "system", "__module__": "posix", "__loader__": "TypeNode"},
            r"posix\.system",
        ),
        (
            {"__class__": "eval", "__module__": "builtins", "__loader__": "TypeNode"},
            r"builtins\.eval",
        ),
        (
            {"__class__": "load", "__module__": "numpy", "__loader__": "FunctionNode"},
            r"numpy\.load\(\)",
        ),
        (
            {
                "__class__": "Popen",
                "__module__": "subprocess",
                "__loader__": "ObjectNode",
                "content": {},
            },
            r"subprocess\.Popen",
        ),
    ],
)
def test_load_refuses_a_schema_crafted_to_run_code(tmp_path, hog_file, node, named):
    path = _rewrite(hog_file, tmp_path / "evil.skops", schema=_crafted_schema(node))
    with pytest.raises(UntrustedTypesError, match=f"{named}.*not loaded"):
        platevision.load(path)


def test_load_refuses_a_pickle_inside_the_archive(tmp_path, hog_file, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A hand-written pickle that would run `touch pwned` when unpickled.
    payload = b"cos\nsystem\n(S'touch pwned'\ntR."
    path = _rewrite(hog_file, tmp_path / "pickled.skops", extra={"model.pkl": payload})
    with pytest.raises(UntrustedTypesError, match=r"unexpected member\(s\) model\.pkl"):
        platevision.load(path)
    only_pickle = tmp_path / "only.skops"
    with zipfile.ZipFile(only_pickle, "w") as archive:
        archive.writestr("data.pkl", payload)
    with pytest.raises(UntrustedTypesError, match=r"data\.pkl"):
        platevision.load(only_pickle)
    assert not (tmp_path / "pwned").exists()


def test_trust_policy_accepts_what_estimators_hold():
    fitted = PlateCharacterRestorer(random_state=0).fit(X, Y)
    data = sio.dumps(fitted)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        schema = json.loads(archive.read("schema.json"))
    names = _persistence._check_types(schema, "test")
    assert "platevision.restoration._restorer.PlateCharacterRestorer" in names
    assert "numpy.ndarray" in names
    assert not any(name.startswith(("os.", "posix.", "subprocess.")) for name in names)


def test_load_gives_an_independent_estimator(tmp_path):
    model = PlateCharacterRestorer(random_state=0).fit(X, Y)
    path = platevision.save(model, tmp_path / "r.skops")
    first, second = platevision.load(path), platevision.load(path)
    assert first is not second
    np.testing.assert_array_equal(clone(first).fit(X, Y).predict(X), second.predict(X))


def test_a_model_saved_before_a_parameter_existed_keeps_its_old_behaviour(tmp_path):
    from platevision.datasets import make_plates
    from platevision.reader import PlateReader

    plates = make_plates(14, pattern="LLLDDDD", random_state=3)
    restorer = PlateCharacterRestorer(
        n_augment=1, hidden_layer_sizes=(32,), n_proposals=1
    )
    reader = PlateReader("LLLDDDD", restorer=restorer, random_state=0)
    reader.fit(plates.images[:12], plates.target[:12], boxes=plates.boxes[:12])
    # As written before PlateReader had max_pixels, row_temperature and
    # max_rows_read, and the restorer ink and an ensemble of proposal networks.
    del reader.max_pixels
    del reader.row_temperature
    del reader.max_rows_read
    del reader.restorer_.ink
    del reader.restorer_.n_proposals
    del reader.restorer_.ink_extent_limit_
    reader.restorer_.proposal_ = reader.restorer_.proposals_.pop()
    del reader.restorer_.proposals_
    with pytest.raises(AttributeError):
        reader.get_params()
    loaded = platevision.load(platevision.save(reader, tmp_path / "old.skops"))
    assert loaded.get_params()["max_pixels"] is None  # looked at full size
    assert loaded.row_temperature == 0.0  # read the best ranked row only
    assert loaded.max_rows_read == 8
    assert loaded.restorer_.ink == "auto"  # told the polarity tile by tile
    assert loaded.restorer_.n_proposals == 1
    assert len(loaded.restorer_.proposals_) == 1
    assert not hasattr(loaded.restorer_, "proposal_")
    assert not hasattr(loaded.restorer_, "ink_extent_limit_")  # read as fused
    assert clone(loaded).max_pixels is None
    reader.max_pixels, reader.restorer_.ink = None, "auto"
    reader.row_temperature = 0.0
    reader.max_rows_read = 8
    reader.restorer_.n_proposals = 1
    reader.restorer_.proposals_ = [reader.restorer_.proposal_]
    expected = reader.predict(plates.images[12:])
    assert loaded.predict(plates.images[12:]).tolist() == expected.tolist()


def test_a_pipeline_saved_before_a_parameter_existed_gets_it_in_its_steps(tmp_path):
    from sklearn.pipeline import make_pipeline

    from platevision.datasets import make_plate_characters

    X, y = make_plate_characters(4, alphabet="AB", return_X_y=True, random_state=0)
    model = make_pipeline(PlateCharacterRestorer(random_state=0)).fit(X, y)
    del model.steps[0][1].ink  # as written before the restorer had ink
    loaded = platevision.load(platevision.save(model, tmp_path / "old.skops"))
    assert loaded.steps[0][1].ink == "auto"
    model.steps[0][1].ink = "auto"
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
