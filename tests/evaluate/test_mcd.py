from __future__ import annotations

import math

import numpy as np
import pytest
import soxr

from support.evaluation import harmonic_tone
from voxtune.errors import ConfigError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.mcd import (
    MelCepstrogram,
    mcd_between_cepstrograms,
    mel_cepstral_distortion,
)

K = 10.0 / math.log(10.0)


def _gram(coefficients: np.ndarray, level_db: np.ndarray | None = None) -> MelCepstrogram:
    level = np.zeros(len(coefficients)) if level_db is None else level_db
    return MelCepstrogram(coefficients, level, sample_rate=16000, alpha=0.42)


def _clip16(read_clip, digit: int, speaker: str, index: int) -> np.ndarray:
    audio, rate = read_clip(digit, speaker, index)
    return soxr.resample(audio, rate, 16000)


def _slow_dtw_mcd(ref: np.ndarray, test: np.ndarray) -> float:
    """DTW by the textbook recursion and the MCD formula, written apart from the library code."""
    n, m = len(ref), len(test)
    cost = np.array([[np.linalg.norm(ref[i] - test[j]) for j in range(m)] for i in range(n)])
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = cost[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    i, j, steps = n, m, []
    while (i, j) != (0, 0):
        steps.append(cost[i - 1, j - 1])
        moves = {
            (i - 1, j - 1): acc[i - 1, j - 1],
            (i - 1, j): acc[i - 1, j],
            (i, j - 1): acc[i, j - 1],
        }
        i, j = min(moves, key=moves.__getitem__)
    return K * math.sqrt(2.0) * float(np.mean(steps))


def test_identical_signals_give_zero(read_clip):
    audio = _clip16(read_clip, 4, "nicolas", 2)
    result = mel_cepstral_distortion(audio, 16000, audio, 16000)
    assert result.mcd_db == 0.0
    assert result.frames_compared == result.reference_frames == result.test_frames


def test_constant_offset_in_one_coefficient_gives_the_formula_value():
    rng = np.random.default_rng(0)
    ref = rng.normal(scale=3.0, size=(40, 25))
    test = ref.copy()
    test[:, 3] += 0.25
    test[:, 0] += 5.0  # c0 is excluded
    result = mcd_between_cepstrograms(_gram(ref), _gram(test))
    assert result.mcd_db == pytest.approx(K * math.sqrt(2.0 * 0.25**2))
    assert result.frames_compared == 40


def test_matches_a_direct_dtw_implementation_on_unequal_lengths():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=(23, 25))
    test = rng.normal(size=(31, 25))
    result = mcd_between_cepstrograms(_gram(ref), _gram(test))
    assert result.mcd_db == pytest.approx(_slow_dtw_mcd(ref[:, 1:], test[:, 1:]), rel=1e-9)


def test_loudness_does_not_count():
    # Full-band signal: on 8 kHz recordings the empty top band sits at WORLD's noise floor,
    # which does not scale with the signal.
    t = np.arange(16000) / 16000
    audio = harmonic_tone(150 + 30 * np.sin(2 * np.pi * 2 * t), 16000, harmonics=50)
    result = mel_cepstral_distortion(audio, 16000, 0.3 * audio, 16000)
    # With c0 kept, a gain of 0.3 alone would add (10/ln10) * sqrt(2) * |ln 0.3| = 7.4 dB.
    assert result.mcd_db < 0.2


def test_same_speaker_is_closer_than_another_speaker(read_clip):
    ref = _clip16(read_clip, 3, "lucas", 0)
    same = mel_cepstral_distortion(ref, 16000, _clip16(read_clip, 3, "lucas", 1), 16000).mcd_db
    other = mel_cepstral_distortion(ref, 16000, _clip16(read_clip, 3, "george", 1), 16000).mcd_db
    print(f"MCD same speaker {same:.2f} dB, other speaker {other:.2f} dB")
    assert 2.0 < same < other


def test_silence_exclusion_drops_frames_silent_in_both(read_clip):
    rng = np.random.default_rng(2)
    audio = _clip16(read_clip, 5, "jackson", 1)
    hiss = 1e-4 * rng.standard_normal(8000)  # 0.5 s at -80 dBFS, 160 frames
    padded = np.concatenate([hiss, audio, hiss]).astype(np.float32)
    other = np.concatenate([hiss, _clip16(read_clip, 5, "jackson", 2), hiss]).astype(np.float32)
    kept = mel_cepstral_distortion(padded, 16000, other, 16000)
    dropped = mel_cepstral_distortion(padded, 16000, other, 16000, exclude_silence=True)
    assert dropped.frames_excluded_silent >= 150
    assert kept.frames_excluded_silent == 0
    assert dropped.frames_compared + dropped.frames_excluded_silent == kept.frames_compared


def test_rates_are_matched_with_a_note(read_clip):
    audio, rate = read_clip(6, "george", 0)
    result = mel_cepstral_distortion(soxr.resample(audio, rate, 16000), 16000, audio, rate)
    assert result.notes == ("test audio resampled from 8000 Hz to 16000 Hz with soxr",)
    assert result.mcd_db < 1.5


def test_unusable_inputs():
    tone = np.sin(np.arange(8000) * 0.05).astype(np.float32)
    with pytest.raises(UnscorableError) as info:
        mel_cepstral_distortion(tone, 16000, np.zeros(8000), 16000)
    assert info.value.code == "silent_audio"
    with pytest.raises(ConfigError):
        mel_cepstral_distortion(tone, 11025, tone, 11025)
