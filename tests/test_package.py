"""The package as a user meets it: import, version, public names, docstrings."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import platevision
from platevision.utils.discovery import all_public_names

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_set():
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", platevision.__version__)


def test_import_is_cheap_and_writes_nothing(tmp_path):
    code = (
        "import sys, platevision; "
        "heavy = [m for m in ('cv2', 'sklearn', 'skimage', 'matplotlib', 'PIL') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert result.stdout.strip() == ""
    assert list(tmp_path.iterdir()) == []


def test_subpackages_load_on_first_use():
    assert platevision.features.HOGTransformer.__name__ == "HOGTransformer"
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        platevision.nope  # noqa: B018


def test_features_import_does_not_load_opencv():
    code = (
        "import sys, platevision.features, platevision.datasets; "
        "print('cv2' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


PUBLIC = [
    pytest.param(obj, id=f"{module}.{name}")
    for module, name, obj in all_public_names()
    if callable(obj) and not inspect.ismodule(obj)
]


@pytest.mark.parametrize("obj", PUBLIC)
def test_public_names_have_numpydoc_docstrings_with_examples(obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{obj} has no docstring"
    assert "Examples\n--------" in doc, f"{obj} has no Examples section"
    documented = inspect.isfunction(obj) or (
        inspect.isclass(obj) and not issubclass(obj, BaseException)
    )
    if documented:
        params = [
            p
            for p in inspect.signature(obj).parameters
            if p not in ("self", "args", "kwargs")
        ]
        if params:
            assert "Parameters\n----------" in doc, f"{obj} documents no parameters"
        for param in params:
            assert re.search(rf"^{param}\b.*:", doc, re.MULTILINE), (
                f"{obj.__qualname__} does not document {param!r}"
            )


def test_every_public_name_is_on_the_api_page():
    api = (ROOT / "docs" / "api.rst").read_text()
    for module, name, obj in all_public_names():
        if module == "platevision" or inspect.ismodule(obj):
            continue
        assert f"\n   {name}\n" in api, f"{module}.{name} is missing from docs/api.rst"


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text().splitlines()
    fence = readme.index("```bash")
    install_and_run, install_and_test = readme[fence + 1], readme[fence + 2]
    assert install_and_run == "pip install . && platevision demo"
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert install_and_test in ci
