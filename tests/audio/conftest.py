"""Fixtures for the audio tests: FSDD digit utterances, espeak-ng speech, one silero VAD."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from support.fsdd_utterances import Utterance, digit_utterance


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """The cores are shared with other work; one thread keeps torch from oversubscribing them."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def utterance(fsdd_dir: Path) -> Callable[..., Utterance]:
    """``utterance(picks, pauses, **options)``: :func:`digit_utterance` on the FSDD recordings."""
    return partial(digit_utterance, fsdd_dir)


@pytest.fixture(scope="session")
def espeak() -> Callable[..., np.ndarray]:
    """``espeak(text, language="en")``: wideband synthetic speech, float32 mono at 22050 Hz."""
    from voxtune.synth.espeak import Voice, sample_rate, synthesise

    assert sample_rate() == 22050

    def speak(text: str, language: str = "en") -> np.ndarray:
        return synthesise(text, Voice(language)).audio

    return speak


@pytest.fixture(scope="session")
def vad():
    from voxtune.audio.vad import SileroVad

    return SileroVad()
