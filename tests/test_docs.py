"""The documentation site builds with warnings as errors, gallery included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_sphinx_build_has_no_warnings(tmp_path):
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
            str(tmp_path / "doctrees"),
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    html = tmp_path / "html"
    assert (html / "index.html").is_file()
    assert (html / "api.html").is_file()
    gallery = (html / "auto_examples" / "features" / "plot_hog_lbp.html").read_text()
    assert "accuracy" in gallery  # the example ran and its output is on the page
    assert list((html / "_images").glob("sphx_glr_plot_hog_lbp_*.png"))
