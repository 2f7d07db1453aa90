"""The benchmark scripts are run by hand; ``--help`` must say what they do, not
run them (a run overwrites the saved results in ``benchmarks/results``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_help_prints_usage_and_runs_nothing(script, tmp_path):
    results = sorted(BENCHMARKS.glob("results/*"))
    before = {path: path.stat().st_mtime_ns for path in results}
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {script.name}")
    assert {path: path.stat().st_mtime_ns for path in results} == before
    assert list(tmp_path.iterdir()) == []
