"""Bring audio handed to a metric into one form: mono float32 in [-1, 1] at the rate it needs.

Every metric calls :func:`prepare_audio` first, so the checks (empty, non-finite, silent) and the
resampling (soxr "HQ", through ``voxtune.audio.convert``) happen the same way everywhere, and a
resampling is always reported back as a note rather than done silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxtune.audio.convert import apply_channel_policy, resample, to_float32
from voxtune.audio.levels import peak_dbfs
from voxtune.evaluate.errors import UnscorableError

SILENCE_PEAK_DBFS = -60.0
"""Audio whose absolute peak is below this level counts as silent (about 33 on the 16-bit scale)."""


@dataclass(frozen=True)
class PreparedAudio:
    """Mono float32 samples at ``sample_rate``, with notes on anything done to them."""

    samples: np.ndarray
    sample_rate: int
    notes: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sample_rate


def prepare_audio(
    audio: np.ndarray,
    sample_rate: int,
    *,
    target_rate: int | None = None,
    what: str = "audio",
    allow_silent: bool = False,
) -> PreparedAudio:
    """Check and convert one signal for scoring.

    ``audio`` is (samples,) or (channels, samples) as lhotse stores it (channels are averaged);
    integer PCM is scaled to [-1, 1]. Raises :class:`UnscorableError` with code ``empty_audio``,
    ``non_finite_audio`` or (unless ``allow_silent``) ``silent_audio``. If ``target_rate`` differs
    from ``sample_rate`` the signal is resampled with soxr and a note says so.
    """
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    samples = apply_channel_policy(to_float32(audio), "mix")[0]
    if samples.size == 0:
        raise UnscorableError("empty_audio", f"{what} has no samples")
    if not np.all(np.isfinite(samples)):
        raise UnscorableError("non_finite_audio", f"{what} contains NaN or infinite samples")
    level = peak_dbfs(samples)
    if not allow_silent and level < SILENCE_PEAK_DBFS:
        raise UnscorableError(
            "silent_audio",
            f"{what} is silent (peak {level:.1f} dBFS, below {SILENCE_PEAK_DBFS:.0f} dBFS)",
            peak_dbfs=level,
        )
    notes: list[str] = []
    if level > 0.0:
        samples = samples / np.max(np.abs(samples))
        notes.append(f"{what} exceeded full scale (peak {level:.1f} dBFS); scaled to peak 0 dBFS")
    rate = int(sample_rate)
    if target_rate is not None and target_rate != rate:
        samples = resample(samples, rate, target_rate)
        notes.append(f"{what} resampled from {rate} Hz to {target_rate} Hz with soxr")
        rate = int(target_rate)
    return PreparedAudio(samples=samples, sample_rate=rate, notes=tuple(notes))


def prepare_pair(
    reference: np.ndarray,
    reference_rate: int,
    test: np.ndarray,
    test_rate: int,
    *,
    target_rate: int | None = None,
) -> tuple[PreparedAudio, PreparedAudio]:
    """Prepare a reference and a test signal at one rate: ``target_rate``, else the reference's."""
    rate = target_rate if target_rate is not None else reference_rate
    ref = prepare_audio(reference, reference_rate, target_rate=rate, what="reference audio")
    hyp = prepare_audio(test, test_rate, target_rate=rate, what="test audio")
    return ref, hyp
