from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.denoise import denoise, noise_sample
from voxtune.audio.regions import Region


def _power_db(audio: np.ndarray, spans, rate: int) -> float:
    pieces = [audio[round(a * rate) : round(b * rate)] for a, b in spans]
    joined = np.concatenate(pieces).astype(np.float64)
    return 10 * np.log10(np.mean(joined**2))


@pytest.fixture(scope="module")
def noisy(utterance):
    picks = [(d, "george", d + 20) for d in range(6)]
    clean = utterance(picks, [0.6] * 5)
    hiss = np.random.default_rng(0).standard_normal(clean.audio.size).astype(np.float32) * 0.01
    return clean, clean.audio + hiss


@pytest.mark.parametrize(("stationary", "max_speech_loss_db"), [(True, 3.0), (False, 5.0)])
def test_denoise_lowers_the_noise_and_keeps_the_speech(noisy, stationary, max_speech_loss_db):
    """Spectral gating also takes a little off the speech (more when tracking a moving floor)."""
    clean, audio = noisy
    rate = clean.sample_rate
    pauses = [(a + 0.1, b - 0.1) for a, b in clean.pauses]
    speech = clean.spans
    spans = [Region(a, b) for a, b in speech]
    cleaned = denoise(audio, rate, stationary=stationary, noise=noise_sample(audio, rate, spans))
    assert cleaned.shape == audio.shape and cleaned.dtype == np.float32
    noise_drop = _power_db(audio, pauses, rate) - _power_db(cleaned, pauses, rate)
    speech_change = _power_db(cleaned, speech, rate) - _power_db(clean.audio, speech, rate)
    assert noise_drop >= 20.0
    assert -max_speech_loss_db <= speech_change <= 0.5
    assert noise_drop + speech_change >= 15.0  # the speech-to-noise ratio improves


def test_noise_sample_takes_the_pauses_without_their_edges(noisy):
    clean, audio = noisy
    rate = clean.sample_rate
    spans = [Region(a, b) for a, b in clean.spans]
    sample = noise_sample(audio, rate, spans, guard_seconds=0.1)
    pauses = [(0.0, clean.spans[0][0]), *clean.pauses, (clean.spans[-1][1], audio.size / rate)]
    expected = sum(round((b - 0.1) * rate) - round((a + 0.1) * rate) for a, b in pauses)
    assert sample.shape == (1, expected)
    assert np.sqrt(np.mean(sample**2)) == pytest.approx(0.01, rel=0.05)  # only the hiss
    assert noise_sample(audio, rate, [Region(0.0, audio.size / rate)]) is None


def test_stereo_in_stereo_out(noisy):
    _, audio = noisy
    stereo = np.stack([audio, audio * 0.5])
    cleaned = denoise(stereo, 8000, noise=stereo[:, :3000])
    assert cleaned.shape == stereo.shape
