"""Mel-cepstral distortion between a reference and a test utterance, in one fixed configuration.

Configuration (every score in voxtune is computed this way):

1. both signals at the reference's sample rate (the test signal is resampled with soxr, noted);
2. WORLD analysis at 5 ms frames: Harvest F0, CheapTrick power envelope (see ``world.py``);
3. mel-cepstrum of order 24 by all-pass warping, alpha by sample rate (0.42 at 16 kHz, 0.455 at
   22.05 kHz, 0.466 at 24 kHz; table in ``mel_cepstrum.ALPHA_BY_SAMPLE_RATE``);
4. c0 (overall level) dropped, so loudness differences do not count;
5. frames aligned by Euclidean DTW on c1..c24;
6. per aligned frame pair, ``(10 / ln 10) * sqrt(2 * sum_d (c_d - c'_d)^2)`` dB, averaged over the
   path; optionally pairs where *both* frames are silent (more than ``silence_db`` below the
   loudest frame of their own utterance) are left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from voxtune.evaluate.audio import prepare_pair
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.alignment import dtw_path
from voxtune.evaluate.metrics.mel_cepstrum import all_pass_alpha, envelope_to_mel_cepstrum
from voxtune.evaluate.metrics.world import FRAME_PERIOD_MS, frame_energy_db, world_features

MEL_CEPSTRUM_ORDER = 24
MCD_CONSTANT = 10.0 / math.log(10.0)
DEFAULT_SILENCE_DB = 40.0


@dataclass(frozen=True)
class MelCepstrogram:
    """Mel-cepstra (frames, order+1) with each frame's level in dB re the loudest frame."""

    coefficients: np.ndarray
    relative_level_db: np.ndarray
    sample_rate: int
    alpha: float
    frame_period_ms: float = FRAME_PERIOD_MS


@dataclass(frozen=True)
class MCDResult:
    """Mean MCD (dB) over aligned frame pairs, and how the frames were counted."""

    mcd_db: float
    frames_compared: int
    frames_excluded_silent: int
    reference_frames: int
    test_frames: int
    sample_rate: int
    alpha: float
    notes: tuple[str, ...]


def mel_cepstrogram(samples: np.ndarray, sample_rate: int) -> MelCepstrogram:
    """WORLD envelope -> order-24 mel-cepstra at the documented alpha for ``sample_rate``."""
    alpha = all_pass_alpha(sample_rate)
    features = world_features(samples, sample_rate)
    coefficients = envelope_to_mel_cepstrum(features.envelope, MEL_CEPSTRUM_ORDER, alpha)
    level = frame_energy_db(samples, sample_rate, features.times_s)
    return MelCepstrogram(
        coefficients=coefficients,
        relative_level_db=level - level.max(),
        sample_rate=sample_rate,
        alpha=alpha,
    )


def mcd_between_cepstrograms(
    reference: MelCepstrogram,
    test: MelCepstrogram,
    *,
    exclude_silence: bool = False,
    silence_db: float = DEFAULT_SILENCE_DB,
) -> MCDResult:
    """MCD between two mel-cepstrograms of the same rate (steps 4-6 of the module docstring)."""
    if reference.sample_rate != test.sample_rate or reference.alpha != test.alpha:
        raise ValueError("both mel-cepstrograms must share sample rate and alpha")
    ref_c = reference.coefficients[:, 1:]
    test_c = test.coefficients[:, 1:]
    ref_idx, test_idx = dtw_path(ref_c, test_c)
    keep = np.ones(ref_idx.size, dtype=bool)
    if exclude_silence:
        silent_ref = reference.relative_level_db[ref_idx] < -silence_db
        silent_test = test.relative_level_db[test_idx] < -silence_db
        keep = ~(silent_ref & silent_test)
    if not keep.any():
        raise UnscorableError(
            "all_frames_silent", f"every aligned frame is more than {silence_db} dB below peak"
        )
    diff = ref_c[ref_idx[keep]] - test_c[test_idx[keep]]
    per_frame = MCD_CONSTANT * np.sqrt(2.0 * np.sum(diff * diff, axis=1))
    return MCDResult(
        mcd_db=float(per_frame.mean()),
        frames_compared=int(keep.sum()),
        frames_excluded_silent=int((~keep).sum()),
        reference_frames=len(ref_c),
        test_frames=len(test_c),
        sample_rate=reference.sample_rate,
        alpha=reference.alpha,
        notes=(),
    )


def mel_cepstral_distortion(
    reference: np.ndarray,
    reference_rate: int,
    test: np.ndarray,
    test_rate: int,
    *,
    exclude_silence: bool = False,
    silence_db: float = DEFAULT_SILENCE_DB,
) -> MCDResult:
    """MCD in dB between two waveforms, per the module docstring; identical signals give 0.

    Raises :class:`UnscorableError` for empty, silent or non-finite audio, and
    :class:`~voxtune.errors.ConfigError` for a reference rate with no documented alpha.
    """
    all_pass_alpha(reference_rate)
    ref, hyp = prepare_pair(reference, reference_rate, test, test_rate)
    result = mcd_between_cepstrograms(
        mel_cepstrogram(ref.samples, ref.sample_rate),
        mel_cepstrogram(hyp.samples, hyp.sample_rate),
        exclude_silence=exclude_silence,
        silence_db=silence_db,
    )
    return replace(result, notes=ref.notes + hyp.notes)
