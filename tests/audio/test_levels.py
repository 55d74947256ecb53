from __future__ import annotations

import math

import numpy as np
import pytest

from voxtune.audio.levels import (
    clipping_ratio,
    dc_offset,
    frame_power_db,
    peak_dbfs,
    rms_dbfs,
    silence_ratio,
)

RATE = 16000


def _sine(frequency: float = 220.0, amplitude: float = 0.5, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(round(RATE * seconds)) / RATE
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def _expected_clipped_fraction(amplitude: float, level: float) -> float:
    """Share of a sine's samples above ``level``: the time |sin| spends over level/amplitude."""
    return 1.0 - 2.0 / math.pi * math.asin(level / amplitude)


def test_clean_sine_has_no_clipping():
    assert clipping_ratio(_sine(220, 0.9)) == 0.0
    assert clipping_ratio(_sine(220, 0.9), reference="full_scale") == 0.0
    # Low tones linger near the crest, but stay under the tolerance for fewer than 3 samples.
    assert clipping_ratio(_sine(50, 1.0)) == 0.0


def test_hard_clipped_sine_at_full_scale():
    clipped = np.clip(_sine(220, 2.0), -1.0, 1.0)
    expected = _expected_clipped_fraction(2.0, 1.0)  # 2/3 of the samples
    assert clipping_ratio(clipped, reference="full_scale") == pytest.approx(expected, abs=0.01)
    assert clipping_ratio(clipped) == pytest.approx(expected, abs=0.01)


def test_clipped_then_turned_down_is_caught_only_relative_to_peak():
    quiet = np.clip(_sine(220, 1.0), -0.8, 0.8) * 0.5
    expected = _expected_clipped_fraction(1.0, 0.8)
    assert clipping_ratio(quiet) == pytest.approx(expected, abs=0.01)
    assert clipping_ratio(quiet, reference="full_scale") == 0.0


def test_int16_source_clips_at_its_own_full_scale():
    clipped = np.clip(_sine(220, 1.5) * 32768, -32768, 32767).astype(np.int16)
    expected = _expected_clipped_fraction(1.5, 1.0)
    assert clipping_ratio(clipped, reference="full_scale") == pytest.approx(expected, abs=0.01)
    as_float = clipped.astype(np.float32) / 32768
    assert clipping_ratio(as_float, reference="full_scale") == clipping_ratio(clipped, reference="full_scale")


def test_one_sided_clipping_and_isolated_spikes():
    signal = _sine(220, 0.5)
    signal[signal > 0.3] = 0.3  # positive half only
    assert clipping_ratio(signal) == pytest.approx(_expected_clipped_fraction(0.5, 0.3) / 2, abs=0.01)
    spikes = np.zeros(RATE, np.float32)
    spikes[::100] = 1.0  # single full-scale samples are not clipping runs
    assert clipping_ratio(spikes, reference="full_scale") == 0.0


def test_silence_and_dc_only_are_not_clipping():
    assert clipping_ratio(np.zeros(1000, np.float32)) == 0.0
    assert clipping_ratio(np.full(1000, 0.05, np.float32)) == 0.0


def test_dc_offset():
    assert dc_offset(_sine() + 0.1) == pytest.approx(0.1, abs=1e-4)
    stereo = np.stack([_sine() + 0.02, _sine() - 0.3])
    assert dc_offset(stereo) == pytest.approx(-0.3, abs=1e-4)
    assert dc_offset(np.array([-16384, -16384], np.int16)) == -0.5


def test_rms_and_peak_dbfs():
    assert rms_dbfs(_sine(220, 1.0)) == pytest.approx(-3.0103, abs=0.01)
    assert rms_dbfs(_sine(220, 0.1)) == pytest.approx(-23.0103, abs=0.01)
    assert peak_dbfs(_sine(220, 0.5)) == pytest.approx(-6.0206, abs=0.01)
    assert rms_dbfs(np.zeros(10, np.float32)) == -math.inf
    assert peak_dbfs(np.zeros(10, np.float32)) == -math.inf


def test_frame_power_db_of_a_square_step():
    signal = np.concatenate([np.full(RATE // 2, 0.5), np.full(RATE // 2, 0.05)]).astype(np.float32)
    power = frame_power_db(signal, RATE, 0.02)
    assert power.shape == (50,)
    np.testing.assert_allclose(power[:25], 20 * np.log10(0.5), atol=1e-4)
    np.testing.assert_allclose(power[25:], 20 * np.log10(0.05), atol=1e-4)


def test_silence_ratio_counts_quiet_frames():
    speech_like = _sine(300, 0.5, seconds=0.6)
    quiet = _sine(300, 0.5 * 10 ** (-50 / 20), seconds=0.4)  # 50 dB down: silent by both rules
    signal = np.concatenate([speech_like, quiet, speech_like, np.zeros(RATE, np.float32)])
    assert silence_ratio(signal, RATE) == pytest.approx(1.4 / 2.6, abs=0.01)
    # Only the absolute rule: the -56 dBFS stretch passes, digital silence does not.
    assert silence_ratio(signal, RATE, relative_db=None, absolute_dbfs=-80) == pytest.approx(
        1.0 / 2.6, abs=0.01
    )
    assert silence_ratio(np.zeros(RATE, np.float32), RATE, absolute_dbfs=None) == 1.0
    with pytest.raises(ValueError):
        silence_ratio(signal, RATE, relative_db=None, absolute_dbfs=None)
