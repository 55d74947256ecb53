"""Fixtures for the evaluation tests: FSDD clips (four known speakers, 8 kHz) and one torch thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Run torch on one thread: on a busy 2-core machine intra-op threads spin and slow tiny models."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def read_clip(fsdd_dir: Path) -> Callable[[int, str, int], tuple[np.ndarray, int]]:
    """``read_clip(digit, speaker, index)`` -> (float32 samples, 8000) from FSDD."""

    def read(digit: int, speaker: str, index: int) -> tuple[np.ndarray, int]:
        samples, rate = sf.read(str(fsdd_dir / f"{digit}_{speaker}_{index}.wav"), dtype="float32")
        return samples, rate

    return read
