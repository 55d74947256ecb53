"""All per-item quality measures in one pass, as plain numbers a corpus can store and gate on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from voxtune.audio.bandwidth import effective_bandwidth
from voxtune.audio.convert import as_channels_first
from voxtune.audio.levels import clipping_ratio, dc_offset, peak_dbfs, rms_dbfs, silence_ratio
from voxtune.audio.regions import Region
from voxtune.audio.snr import vad_snr, wada_snr


@dataclass(frozen=True)
class QualityScores:
    """What was measured on one item; None where a measure has nothing to measure (no pauses, say)."""

    duration: float
    speech_seconds: float
    snr_vad_db: float | None
    snr_wada_db: float | None
    clipping_ratio: float
    dc_offset: float
    silence_ratio: float
    bandwidth_hz: float
    rms_dbfs: float
    peak_dbfs: float

    @property
    def snr_db(self) -> float | None:
        """The SNR to gate on: VAD-based where pauses give a noise estimate, else WADA."""
        return self.snr_vad_db if self.snr_vad_db is not None else self.snr_wada_db

    def as_dict(self) -> dict[str, float | None]:
        return {key: _json_number(value) for key, value in asdict(self).items()}


def measure_quality(audio: np.ndarray, sample_rate: int, speech: Sequence[Region]) -> QualityScores:
    """Every measure on one in-memory signal, given its speech regions (from the VAD)."""
    audio = as_channels_first(audio)
    mono = audio.mean(axis=0)
    return QualityScores(
        duration=audio.shape[1] / sample_rate,
        speech_seconds=sum(region.end - region.start for region in speech),
        snr_vad_db=vad_snr(mono, sample_rate, speech) if speech else None,
        snr_wada_db=wada_snr(mono),
        clipping_ratio=clipping_ratio(audio),
        dc_offset=dc_offset(audio),
        silence_ratio=silence_ratio(audio, sample_rate),
        bandwidth_hz=effective_bandwidth(mono, sample_rate),
        rms_dbfs=rms_dbfs(audio),
        peak_dbfs=peak_dbfs(audio),
    )


def combine_blocks(blocks: Iterable[tuple[QualityScores, float]]) -> QualityScores:
    """Quality of a long file from (scores, seconds) of its consecutive blocks.

    Ratios, levels and DC are duration-weighted means (RMS in the power domain); the SNRs and the
    bandwidth take the median over blocks that have one, so a few odd blocks do not decide.
    """
    pairs = list(blocks)
    weights = np.array([seconds for _, seconds in pairs])
    scores = [score for score, _ in pairs]

    def mean(name: str) -> float:
        return float(np.average([getattr(s, name) for s in scores], weights=weights))

    def median(name: str) -> float | None:
        values = [getattr(s, name) for s in scores if getattr(s, name) is not None]
        return float(np.median(values)) if values else None

    power = np.average([10 ** (s.rms_dbfs / 10) for s in scores], weights=weights)
    return QualityScores(
        duration=float(weights.sum()),
        speech_seconds=sum(s.speech_seconds for s in scores),
        snr_vad_db=median("snr_vad_db"),
        snr_wada_db=median("snr_wada_db"),
        clipping_ratio=mean("clipping_ratio"),
        dc_offset=mean("dc_offset"),
        silence_ratio=mean("silence_ratio"),
        bandwidth_hz=median("bandwidth_hz") or 0.0,
        rms_dbfs=float(10 * np.log10(power)) if power > 0 else -np.inf,
        peak_dbfs=max(s.peak_dbfs for s in scores),
    )


def _json_number(value: float | None) -> float | None:
    """Rounded, and finite (a manifest cannot hold inf): +-inf become +-999."""
    if value is None:
        return None
    if not np.isfinite(value):
        return 999.0 if value > 0 else -999.0
    return round(float(value), 4)
