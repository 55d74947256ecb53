"""One WORLD analysis per signal, shared by MCD and F0 (and the report's F0 plots).

``metrics.mcd.mel_cepstral_distortion`` and ``metrics.f0.f0_metrics`` each analyse both signals; a
suite compares one reference with several systems, so it analyses each signal once (Harvest is the
slow part) and compares the analyses with the same steps and settings those functions use: MCD per
the configuration documented in ``metrics.mcd``, F0 paired frame by frame when the tracks differ by
at most two frames and otherwise along the MCD's DTW path on c1..c24.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from voxtune.evaluate.audio import PreparedAudio, prepare_audio
from voxtune.evaluate.metrics.alignment import dtw_path
from voxtune.evaluate.metrics.f0 import AUTO_LENGTH_TOLERANCE_FRAMES, F0Comparison, compare_f0_tracks
from voxtune.evaluate.metrics.mcd import (
    MEL_CEPSTRUM_ORDER,
    MCDResult,
    MelCepstrogram,
    mcd_between_cepstrograms,
)
from voxtune.evaluate.metrics.mel_cepstrum import ALPHA_BY_SAMPLE_RATE, envelope_to_mel_cepstrum
from voxtune.evaluate.metrics.world import WorldFeatures, frame_energy_db, world_features

FALLBACK_RATE = 16000
"""Analysis rate for references recorded at a rate with no documented all-pass constant."""


@dataclass(frozen=True)
class SignalAnalysis:
    """A prepared signal with its WORLD features and mel-cepstrogram."""

    audio: PreparedAudio
    world: WorldFeatures
    cepstrogram: MelCepstrogram

    @property
    def f0_hz(self) -> np.ndarray:
        return self.world.f0_hz

    @property
    def times_s(self) -> np.ndarray:
        return self.world.times_s


def analysis_rate(reference_rate: int) -> int:
    """The reference's own rate where MCD documents an all-pass constant for it, else 16 kHz."""
    return reference_rate if reference_rate in ALPHA_BY_SAMPLE_RATE else FALLBACK_RATE


def analyse(samples: np.ndarray, sample_rate: int, *, rate: int, what: str) -> SignalAnalysis:
    """Check, resample to ``rate`` (noted) and analyse one signal; UnscorableError for bad audio."""
    prepared = prepare_audio(samples, sample_rate, target_rate=rate, what=what)
    features = world_features(prepared.samples, prepared.sample_rate)
    alpha = ALPHA_BY_SAMPLE_RATE[rate]
    level = frame_energy_db(prepared.samples, rate, features.times_s)
    cepstrogram = MelCepstrogram(
        coefficients=envelope_to_mel_cepstrum(features.envelope, MEL_CEPSTRUM_ORDER, alpha),
        relative_level_db=level - level.max(),
        sample_rate=rate,
        alpha=alpha,
    )
    return SignalAnalysis(prepared, features, cepstrogram)


def compare_mcd(reference: SignalAnalysis, test: SignalAnalysis) -> MCDResult:
    result = mcd_between_cepstrograms(reference.cepstrogram, test.cepstrogram)
    return replace(result, notes=reference.audio.notes + test.audio.notes)


def compare_f0(reference: SignalAnalysis, test: SignalAnalysis) -> F0Comparison:
    ref_f0, test_f0 = reference.f0_hz, test.f0_hz
    notes = list(reference.audio.notes + test.audio.notes)
    if abs(ref_f0.size - test_f0.size) <= AUTO_LENGTH_TOLERANCE_FRAMES:
        result = compare_f0_tracks(ref_f0, test_f0)
    else:
        path = dtw_path(reference.cepstrogram.coefficients[:, 1:], test.cepstrogram.coefficients[:, 1:])
        result = compare_f0_tracks(ref_f0, test_f0, path=path)
    return replace(result, notes=tuple(notes))
