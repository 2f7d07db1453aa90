"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")

#: The shared data folder next to the project (../shared/data), if present.
SHARED_DATA = Path(
    os.environ.get(
        "PLATEVISION_DATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "data",
    )
)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real image sets; tests that need them skip, with the reason, without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data folder {SHARED_DATA} is absent: set PLATEVISION_DATA to a "
            "folder holding faces/, cars/ and plates/"
        )
    return SHARED_DATA
