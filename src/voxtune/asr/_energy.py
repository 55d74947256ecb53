"""Frame energies and a simple speech-activity mask, for the transcript guards.

Private to ``voxtune.asr`` until the shared signal modules (``voxtune.audio``) land: a guard only needs
to know roughly where the audio is silent, and an energy threshold tells it without another model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILENCE_DB = -200.0


@dataclass(frozen=True)
class Activity:
    """Which analysis frames hold sound: ``active[i]`` covers ``[i * hop, i * hop + window)`` seconds."""

    active: np.ndarray
    hop: float
    window: float

    @property
    def active_seconds(self) -> float:
        return float(self.active.sum()) * self.hop

    def any_active(self, start: float, end: float) -> bool:
        """Whether any frame overlapping ``[start, end]`` seconds is active."""
        if self.active.size == 0:
            return False
        first = max(0, int(np.floor((start - self.window) / self.hop)) + 1)
        last = min(self.active.size - 1, int(np.floor(end / self.hop)))
        return bool(last >= first and self.active[first : last + 1].any())


def frame_levels_db(audio: np.ndarray, sample_rate: int, window: float, hop: float) -> np.ndarray:
    """RMS level in dBFS of each ``window``-second frame, every ``hop`` seconds (a short clip gives one)."""
    samples = np.asarray(audio, dtype=np.float64)
    size = max(1, round(window * sample_rate))
    step = max(1, round(hop * sample_rate))
    if samples.size < size:
        samples = np.pad(samples, (0, size - samples.size))
    frames = np.lib.stride_tricks.sliding_window_view(samples, size)[::step]
    power = np.mean(frames**2, axis=1)
    with np.errstate(divide="ignore"):
        levels = 10.0 * np.log10(power)
    return np.maximum(levels, SILENCE_DB)


def speech_activity(
    audio: np.ndarray,
    sample_rate: int,
    *,
    floor_db: float = -50.0,
    below_peak_db: float = 40.0,
    window: float = 0.025,
    hop: float = 0.010,
) -> Activity:
    """Frames louder than ``floor_db`` dBFS and within ``below_peak_db`` of the loudest frame."""
    levels = frame_levels_db(audio, sample_rate, window, hop)
    threshold = max(floor_db, float(levels.max()) - below_peak_db)
    return Activity(active=levels > threshold, hop=hop, window=window)
