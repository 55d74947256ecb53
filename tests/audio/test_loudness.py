from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
import soxr

from voxtune.audio.loudness import (
    integrated_loudness,
    normalize_loudness,
    true_peak,
    true_peak_dbtp,
)

DIGITS = [(d, "jackson", 10 + d) for d in range(8)]


def _reference_true_peak_dbtp(audio: np.ndarray, rate: int) -> float:
    """Independent estimate: soxr's very-high-quality resampler at 16x the rate."""
    up = soxr.resample(np.asarray(audio, np.float64), rate, rate * 16, quality="VHQ")
    return 20 * math.log10(np.max(np.abs(up)))


def test_sine_loudness_matches_bs1770_calibration():
    # BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
    rate = 48000
    t = np.arange(rate * 3) / rate
    sine = np.sin(2 * np.pi * 997 * t).astype(np.float32)
    assert integrated_loudness(sine, rate) == pytest.approx(-3.01, abs=0.05)
    assert integrated_loudness(sine * 0.1, rate) == pytest.approx(-23.01, abs=0.05)


def test_true_peak_finds_the_peak_between_samples():
    rate = 48000
    t = np.arange(rate) / rate
    # A tone at a quarter of the rate, sampled 45 degrees off its crests: samples read 0.707.
    tone = np.sin(2 * np.pi * rate / 4 * t + np.pi / 4).astype(np.float32)
    assert 20 * math.log10(np.max(np.abs(tone))) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(tone) == pytest.approx(0.0, abs=0.3)
    assert true_peak_dbtp(tone) == pytest.approx(_reference_true_peak_dbtp(tone, rate), abs=0.3)


def test_true_peak_agrees_with_oversampling_everywhere_on_real_speech(utterance):
    speech = utterance(DIGITS, [0.3] * 7).audio
    rate = 8000
    # The shortcut is exact: running the interpolator over every sample gives the same answer.
    from voxtune.audio import loudness

    everywhere = max(
        float(np.max(np.abs(np.convolve(speech.astype(np.float64), loudness._INTERPOLATOR[:, p]))))
        for p in range(loudness.OVERSAMPLING)
    )
    assert true_peak(speech) == pytest.approx(max(everywhere, np.max(np.abs(speech))), rel=1e-9)
    assert true_peak_dbtp(speech) == pytest.approx(_reference_true_peak_dbtp(speech, rate), abs=0.3)


@pytest.mark.parametrize("target", [-30.0, -23.0])
def test_normalisation_hits_the_target_on_real_speech(utterance, target):
    speech = utterance(DIGITS, [0.3] * 7).audio * 0.2
    rate = 8000
    result = normalize_loudness(speech, rate, target_lufs=target, true_peak_ceiling_dbtp=-1.0)
    measured = pyloudnorm.Meter(rate).integrated_loudness(result.audio[0].astype(np.float64))
    assert not result.peak_limited
    assert measured == pytest.approx(target, abs=0.5)
    assert result.output_lufs == pytest.approx(measured, abs=0.01)
    assert result.gain_db == pytest.approx(target - result.input_lufs)
    assert result.audio.dtype == np.float32 and result.audio.shape == (1, speech.size)
    assert true_peak_dbtp(result.audio) <= -1.0


def test_ceiling_limits_the_gain(utterance):
    speech = utterance(DIGITS, [0.3] * 7).audio
    rate = 8000
    result = normalize_loudness(speech, rate, target_lufs=-8.0, true_peak_ceiling_dbtp=-2.0)
    assert result.peak_limited
    assert true_peak_dbtp(result.audio) == pytest.approx(-2.0, abs=1e-3)
    assert _reference_true_peak_dbtp(result.audio[0], rate) <= -2.0 + 0.3
    measured = pyloudnorm.Meter(rate).integrated_loudness(result.audio[0].astype(np.float64))
    assert measured < -8.0 - 0.5  # the ceiling won over the target
    assert result.output_lufs == pytest.approx(measured, abs=0.01)


def test_clips_shorter_than_a_gating_block_are_measured_whole(utterance):
    rate = 8000
    clip = utterance([(4, "lucas", 3)], [], lead=0.0, tail=0.0).audio
    assert clip.size / rate < 0.4
    loudness = integrated_loudness(clip, rate)
    # The same clip looped is stationary enough that the gated measure agrees within a little.
    looped = integrated_loudness(np.tile(clip, 20), rate)
    assert loudness == pytest.approx(looped, abs=1.0)
    result = normalize_loudness(clip, rate, target_lufs=-20.0, true_peak_ceiling_dbtp=0.0)
    assert integrated_loudness(result.audio, rate) == pytest.approx(-20.0, abs=0.01)


def test_silence_is_left_alone():
    silence = np.zeros(16000, np.float32)
    assert integrated_loudness(silence, 16000) == -math.inf
    result = normalize_loudness(silence, 16000)
    assert result.gain_db == 0.0 and not result.peak_limited
    np.testing.assert_array_equal(result.audio, silence[None])
    assert true_peak(silence) == 0.0 and true_peak_dbtp(silence) == -math.inf
    with pytest.raises(ValueError):
        integrated_loudness(np.zeros(0, np.float32), 16000)


def test_stereo_uses_one_gain_for_both_channels():
    rate = 16000
    t = np.arange(rate * 2) / rate
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 500 * t), 0.05 * np.sin(2 * np.pi * 700 * t)])
    result = normalize_loudness(stereo.astype(np.float32), rate, target_lufs=-20.0)
    audible = np.abs(stereo) > 1e-3
    ratio = result.audio[audible] / stereo.astype(np.float32)[audible]
    np.testing.assert_allclose(ratio, 10 ** (result.gain_db / 20), rtol=1e-5)
    assert integrated_loudness(result.audio, rate) == pytest.approx(-20.0, abs=0.01)
