"""Fixtures for the speaker tests: FSDD recordings (4 known speakers) and one shared encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


@pytest.fixture(scope="session")
def fsdd_recordings(fsdd_dir: Path) -> Path:
    return fsdd_dir


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Run torch on one thread here: on a busy 2-core machine its intra-op threads spin and make
    these small speaker models ~4x slower. Restored after each module."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def resemblyzer_embedder():
    from voxtune.speakers.resemblyzer_embedder import ResemblyzerEmbedder

    return ResemblyzerEmbedder()


@pytest.fixture(scope="session")
def read_digit(fsdd_recordings: Path):
    """A reader of FSDD clips: ``read_digit(digit, speaker, index)`` -> (float32 samples, 8000)."""

    def read(digit: int, speaker: str, index: int) -> tuple[np.ndarray, int]:
        path = fsdd_recordings / f"{digit}_{speaker}_{index}.wav"
        samples, rate = sf.read(str(path), dtype="float32")
        return samples, rate

    return read
