from __future__ import annotations

import numpy as np
import pytest

from voxtune.evaluate.audio import prepare_audio, prepare_pair
from voxtune.evaluate.errors import UnscorableError


def test_int16_is_scaled_and_channels_first_stereo_averaged():
    stereo = np.array([[16384, 32767], [-16384, 32767]], dtype=np.int16)  # (channels, samples)
    prepared = prepare_audio(stereo, 16000)
    assert prepared.samples.dtype == np.float32
    np.testing.assert_allclose(prepared.samples, [0.0, 32767 / 32768], atol=1e-6)
    assert prepared.notes == ()


@pytest.mark.parametrize(
    ("audio", "code"),
    [
        (np.zeros(0, dtype=np.float32), "empty_audio"),
        (np.array([0.1, np.nan], dtype=np.float32), "non_finite_audio"),
        (np.full(1000, 1e-4, dtype=np.float32), "silent_audio"),
    ],
)
def test_unusable_audio_is_an_unscorable_item(audio, code):
    with pytest.raises(UnscorableError) as info:
        prepare_audio(audio, 16000)
    assert info.value.code == code


def test_silent_audio_allowed_on_request():
    assert prepare_audio(np.zeros(100), 16000, allow_silent=True).samples.size == 100


def test_resampling_is_done_and_reported():
    t = np.arange(8000) / 8000
    tone = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    prepared = prepare_audio(tone, 8000, target_rate=16000, what="reference audio")
    assert prepared.sample_rate == 16000
    assert prepared.samples.size == 16000
    assert prepared.notes == ("reference audio resampled from 8000 Hz to 16000 Hz with soxr",)
    spectrum = np.abs(np.fft.rfft(prepared.samples))
    assert np.argmax(spectrum) == 440  # 1 s at 16 kHz: bin index = Hz


def test_pair_uses_reference_rate():
    ref, hyp = prepare_pair(np.ones(160) * 0.5, 16000, np.ones(80) * 0.5, 8000)
    assert ref.sample_rate == hyp.sample_rate == 16000
    assert ref.notes == ()
    assert hyp.notes == ("test audio resampled from 8000 Hz to 16000 Hz with soxr",)
