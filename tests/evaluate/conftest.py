"""Fixtures for evaluation tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evaluate.helpers import FSDD


@pytest.fixture(scope="session")
def fsdd() -> Path:
    """The FSDD recordings folder; tests that need real speech skip without it."""
    if not FSDD.is_dir():
        pytest.skip(f"FSDD recordings not found at {FSDD}")
    return FSDD
