"""A tiny random Kokoro, written once per test session in Kokoro's own layout."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_kokoro_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from voxtune.models.kokoro.tiny import build_tiny_kokoro

    return build_tiny_kokoro(
        tmp_path_factory.mktemp("tiny-kokoro") / "model", seed=0, voices=("tiny_a", "tiny_b")
    )
