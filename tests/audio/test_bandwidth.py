from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.bandwidth import effective_bandwidth, long_term_spectrum_db
from voxtune.audio.convert import resample

SENTENCE = "The quick brown fox jumps over the lazy dog. She sells sea shells by the sea shore."
NARROWBAND_LIMIT_HZ = 5000  # what a quality stage would flag below, for 24 kHz targets


def _as_int16(audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """Stored as 16-bit PCM: adds the quantisation noise floor a real file has."""
    return (np.round(audio * gain * 32767) / 32767).astype(np.float32)


@pytest.fixture(scope="module")
def fsdd_speech(utterance):
    return utterance([(d, ["george", "lucas"][d % 2], d) for d in range(8)], [0.2] * 7)


@pytest.mark.parametrize("gain", [1.0, 0.03])
def test_fsdd_upsampled_to_24k_is_flagged(fsdd_speech, gain):
    upsampled = resample(fsdd_speech.audio, 8000, 24000)
    stored = _as_int16(upsampled, gain)  # gain 0.03: a quiet file whose noise floor is only ~50 dB down
    bandwidth = effective_bandwidth(stored, 24000)
    assert 3500 <= bandwidth <= 4100
    assert bandwidth < NARROWBAND_LIMIT_HZ


@pytest.mark.parametrize("voice", ["en", "nb", "de"])
def test_wideband_synthetic_speech_is_not_flagged(espeak, voice):
    speech = espeak(SENTENCE, voice)
    bandwidth = effective_bandwidth(_as_int16(speech), 22050)
    assert bandwidth > 9000
    assert effective_bandwidth(_as_int16(speech, 0.03), 22050) > 9000


def test_wideband_speech_in_broadband_noise_stays_wideband(espeak):
    speech = espeak(SENTENCE)
    noise = np.random.default_rng(0).standard_normal(speech.size).astype(np.float32)
    noisy = speech + noise * np.sqrt(np.mean(speech**2)) * 0.1  # 20 dB SNR
    assert effective_bandwidth(noisy, 22050) > 9000


@pytest.mark.parametrize(("limit", "rate"), [(8000, 24000), (16000, 48000), (11025, 44100)])
def test_band_limit_is_found_wherever_it_is(espeak, limit, rate):
    speech = espeak(SENTENCE)
    limited = resample(resample(speech, 22050, limit), limit, rate)
    bandwidth = effective_bandwidth(_as_int16(limited), rate)
    assert 0.85 * limit / 2 <= bandwidth <= 1.02 * limit / 2


def test_silence_and_short_input():
    assert effective_bandwidth(np.zeros(24000, np.float32), 24000) == 0.0
    frequencies, level = long_term_spectrum_db(np.ones(10, np.float32), 16000)
    assert frequencies.size == level.size and frequencies[-1] == 8000
