"""The documentation site builds with warnings as errors, gallery included, and
renders in a real browser."""

from __future__ import annotations

import html as html_lib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_render_check():
    spec = importlib.util.spec_from_file_location(
        "check_render", ROOT / "docs" / "check_render.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once for this module; return the build's result and html."""
    out = tmp_path_factory.mktemp("docs")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-E",
            "-b",
            "html",
            "-d",
            str(out / "doctrees"),
            str(ROOT / "docs"),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    return result, out / "html"


@pytest.fixture(scope="module")
def html(site):
    result, html = site
    if result.returncode != 0:
        pytest.fail(result.stdout[-4000:] + result.stderr[-4000:])
    return html


def _text(page: Path) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_sphinx_build_has_no_warnings(site):
    result, html = site
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (html / "index.html").is_file()
    assert (html / "api.html").is_file()
    gallery = (html / "auto_examples" / "features" / "plot_hog_lbp.html").read_text()
    assert "accuracy" in gallery  # the example ran and its output is on the page
    assert list((html / "_images").glob("sphx_glr_plot_hog_lbp_*.png"))


def test_landing_page_shows_each_estimator_with_its_picture(html):
    page = (html / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) >= 3
    for src in images:
        assert (html / src).is_file(), src
    for name in ("PlateCharacterRestorer", "FaceKNNClassifier", "HOGTransformer"):
        assert name in page


def test_quick_start_is_the_readme_commands(html):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = readme.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(commands) == 2
    text = _text(html / "quickstart.html")
    for command in commands:
        assert command.strip() in text


def test_benchmarks_page_has_every_saved_result(html):
    text = _text(html / "benchmarks.html")
    results = sorted((ROOT / "benchmarks" / "results").glob("*.txt"))
    assert results
    for result in results:
        lines = result.read_text(encoding="utf-8").splitlines()
        date = next(line for line in lines if line.startswith("date:"))
        assert lines[0] in text
        assert date in text  # the file itself is on the page, not a copy
        assert f"Measured on {date.split(':', 1)[1].strip()}" in text


def test_site_renders_in_headless_chromium(html, tmp_path):
    check_render = _load_render_check()
    browser = check_render.find_browser()
    if browser is None:
        pytest.skip(
            "chromium and chromedriver are not on PATH "
            "(Debian: apt-get install chromium chromium-driver)"
        )
    problems = check_render.check_pages(html, tmp_path / "shots", browser=browser)
    assert problems == []
    assert len(list((tmp_path / "shots").glob("*.png"))) == len(check_render.PAGES)
