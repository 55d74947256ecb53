"""A tiny random Kokoro in Kokoro's own layout and the demo's Luxembourgish corpus, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from support.kokoro_corpus import luxembourgish_corpus

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def tiny_kokoro_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from voxtune.models.kokoro.tiny import build_tiny_kokoro

    folder = tmp_path_factory.mktemp("tiny-kokoro") / "model"
    return build_tiny_kokoro(folder, seed=0, voices=("tiny_a", "tiny_b"))


@pytest.fixture(scope="session")
def lb_corpus(demo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return luxembourgish_corpus(demo_raw, tmp_path_factory.mktemp("lb-corpus"))
