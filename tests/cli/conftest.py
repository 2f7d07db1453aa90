"""Fixtures of the command-line tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from platevision.cli import main


@pytest.fixture
def run_cli(capsys):
    """Run ``platevision ARGV`` in-process: (exit code, stdout, stderr)."""

    def run(argv):
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def write_png(path: Path, image: np.ndarray) -> str:
    """Save a float image in [0, 1] as an 8-bit PNG (folders made); its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(path)
    return str(path)


@pytest.fixture(scope="session")
def png():
    """:func:`write_png`, for tests and module-scoped fixtures."""
    return write_png
