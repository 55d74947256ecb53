"""Multi-digit utterances built from FSDD clips, with the position of every digit known."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

FSDD_RATE = 8000


@dataclass(frozen=True)
class Utterance:
    """Concatenated digit clips: ``digits[i]`` is spoken during ``spans[i]`` (seconds)."""

    audio: np.ndarray
    sample_rate: int
    digits: list[int]
    spans: list[tuple[float, float]]

    @property
    def pauses(self) -> list[tuple[float, float]]:
        """The silences between consecutive digits."""
        return [(a[1], b[0]) for a, b in zip(self.spans, self.spans[1:], strict=False)]


def digit_utterance(
    fsdd_dir: Path,
    picks: list[tuple[int, str, int]],
    pauses: list[float],
    *,
    lead: float = 0.5,
    tail: float = 0.5,
    noise_dbfs: float | None = None,
    seed: int = 0,
) -> Utterance:
    """FSDD clips ``picks`` (digit, speaker, index) joined by ``pauses`` seconds of silence, at 8 kHz.

    Each clip is first trimmed to where its own energy lies (FSDD clips carry some silence), so the
    recorded spans are where speech is. ``noise_dbfs`` adds white noise of that RMS everywhere.
    """
    if len(pauses) != len(picks) - 1:
        raise ValueError(f"{len(picks)} clips need {len(picks) - 1} pauses, got {len(pauses)}")
    pieces = [np.zeros(round(lead * FSDD_RATE), np.float32)]
    spans = []
    cursor = lead
    for (digit, speaker, index), pause in zip(picks, [*pauses, tail], strict=True):
        clip, rate = sf.read(fsdd_dir / f"{digit}_{speaker}_{index}.wav", dtype="float32")
        assert rate == FSDD_RATE
        clip = _energy_trimmed(clip)
        silence = np.zeros(round(pause * FSDD_RATE), np.float32)
        spans.append((cursor, cursor + clip.size / FSDD_RATE))
        pieces += [clip, silence]
        cursor += (clip.size + silence.size) / FSDD_RATE
    audio = np.concatenate(pieces)
    if noise_dbfs is not None:
        noise = np.random.default_rng(seed).standard_normal(audio.size).astype(np.float32)
        audio = audio + noise * np.float32(10 ** (noise_dbfs / 20))
    return Utterance(audio.astype(np.float32), FSDD_RATE, [p[0] for p in picks], spans)


def _energy_trimmed(clip: np.ndarray, frame: int = 80, floor_db: float = -35.0) -> np.ndarray:
    """Cut leading/trailing 10 ms frames more than ``-floor_db`` dB under the clip's loudest frame."""
    count = clip.size // frame
    power = (clip[: count * frame].reshape(count, frame).astype(np.float64) ** 2).mean(axis=1)
    loud = np.flatnonzero(10 * np.log10(power + 1e-20) > 10 * np.log10(power.max()) + floor_db)
    return clip[loud[0] * frame : (loud[-1] + 1) * frame]
