"""Real and synthetic speech for the audio tests: FSDD digit clips and espeak-ng synthesis.

The helpers are handed to tests through fixtures (``utterance``, ``espeak``) so that no test module
has to import a sibling file.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

FSDD = Path("/work/shared/corpora/fsdd/recordings")
FSDD_RATE = 8000
ESPEAK_RATE = 22050


def fsdd_clip(digit: int, speaker: str, index: int) -> np.ndarray:
    """One FSDD recording as float32 mono at 8 kHz."""
    audio, rate = sf.read(FSDD / f"{digit}_{speaker}_{index}.wav", dtype="float32")
    assert rate == FSDD_RATE
    return audio


@dataclass(frozen=True)
class Utterance:
    """Concatenated digit clips with known positions: ``digits[i]`` spans ``spans[i]`` seconds."""

    audio: np.ndarray
    sample_rate: int
    digits: list[int]
    spans: list[tuple[float, float]]

    @property
    def pauses(self) -> list[tuple[float, float]]:
        return [(a[1], b[0]) for a, b in zip(self.spans, self.spans[1:], strict=False)]


def digit_utterance(
    picks: list[tuple[int, str, int]],
    pauses: list[float],
    *,
    lead: float = 0.5,
    tail: float = 0.5,
    noise_dbfs: float | None = None,
    seed: int = 0,
) -> Utterance:
    """Clips ``picks`` (digit, speaker, index) joined by ``pauses`` seconds of silence (or noise).

    Each clip is trimmed to where its own energy lies (FSDD clips carry a little silence), so the
    recorded spans are where speech really is.
    """
    assert len(pauses) == len(picks) - 1
    rng = np.random.default_rng(seed)
    pieces = [np.zeros(round(lead * FSDD_RATE), np.float32)]
    spans = []
    cursor = lead
    for pick, pause in zip(picks, [*pauses, tail], strict=True):
        clip = _energy_trimmed(fsdd_clip(*pick))
        spans.append((cursor, cursor + len(clip) / FSDD_RATE))
        pieces.append(clip)
        pieces.append(np.zeros(round(pause * FSDD_RATE), np.float32))
        cursor += (len(clip) + round(pause * FSDD_RATE)) / FSDD_RATE
    audio = np.concatenate(pieces)
    if noise_dbfs is not None:
        audio = audio + rng.standard_normal(audio.size).astype(np.float32) * np.float32(
            10 ** (noise_dbfs / 20)
        )
    return Utterance(audio.astype(np.float32), FSDD_RATE, [p[0] for p in picks], spans)


def _energy_trimmed(clip: np.ndarray, frame: int = 80, floor_db: float = -35.0) -> np.ndarray:
    """Cut leading/trailing 10 ms frames more than ``-floor_db`` dB under the clip's loudest frame."""
    count = len(clip) // frame
    power = (clip[: count * frame].reshape(count, frame).astype(np.float64) ** 2).mean(axis=1)
    loud = np.flatnonzero(10 * np.log10(power + 1e-20) > 10 * np.log10(power.max()) + floor_db)
    return clip[loud[0] * frame : (loud[-1] + 1) * frame]


@lru_cache(maxsize=1)
def _espeak() -> ctypes.CDLL:
    import espeakng_loader

    library = ctypes.CDLL(espeakng_loader.get_library_path())
    data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
    synchronous = 2  # AUDIO_OUTPUT_SYNCHRONOUS
    rate = library.espeak_Initialize(synchronous, 0, data_parent, 0)
    assert rate == ESPEAK_RATE, rate
    return library


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def espeak_speech(text: str, voice: str = "en") -> np.ndarray:
    """``text`` spoken by espeak-ng as float32 mono at 22050 Hz (wideband synthetic speech)."""
    library = _espeak()
    chunks: list[np.ndarray] = []

    def collect(samples, count, events):  # type: ignore[no-untyped-def]
        if count > 0:
            chunks.append(np.ctypeslib.as_array(samples, shape=(count,)).copy())
        return 0

    callback = _CALLBACK(collect)
    library.espeak_SetSynthCallback(callback)
    assert library.espeak_SetVoiceByName(voice.encode()) == 0
    encoded = text.encode() + b"\0"
    position_character = 1
    status = library.espeak_Synth(encoded, len(encoded), 0, position_character, 0, 0, None, None)
    assert status == 0, status
    library.espeak_Synchronize()
    return np.concatenate(chunks).astype(np.float32) / 32768.0


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """Tests share two cores with other work; one thread keeps torch from oversubscribing."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def utterance():
    """The :func:`digit_utterance` builder."""
    return digit_utterance


@pytest.fixture(scope="session")
def espeak():
    """The :func:`espeak_speech` synthesiser."""
    return espeak_speech


@pytest.fixture(scope="session")
def vad():
    from voxtune.audio.vad import SileroVad

    return SileroVad()
