from __future__ import annotations

import librosa
import numpy as np
import pytest
import torch

from voxtune.errors import ItemError
from voxtune.models.kokoro.geometry import geometry_from_config
from voxtune.models.kokoro.spectral import MelSpectrogram, log_energy
from voxtune.models.kokoro.targets import energy_curve, f0_curve, fit_to_frames
from voxtune.models.kokoro.tiny import tiny_kokoro_config

GEOMETRY = geometry_from_config(tiny_kokoro_config())
RATE = 24_000


def tone(freq: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    """A voice-like tone: the fundamental and nine harmonics falling off as 1/k."""
    t = np.arange(int(seconds * RATE)) / RATE
    harmonics = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, 11))
    return (amplitude * harmonics).astype(np.float32)


def test_fit_to_frames_pads_or_cuts_within_tolerance() -> None:
    audio = np.ones(1190, dtype=np.float32)
    fitted = fit_to_frames(audio, 2, 600, tolerance=300)
    assert len(fitted) == 1200 and fitted[-10:].sum() == 0
    assert len(fit_to_frames(np.ones(1290, dtype=np.float32), 2, 600, tolerance=300)) == 1200
    with pytest.raises(ItemError) as caught:
        fit_to_frames(audio, 4, 600, tolerance=300)
    assert caught.value.code == "frame_mismatch"


def test_f0_follows_a_tone_at_the_f0_frame_rate() -> None:
    audio = np.concatenate([np.zeros(RATE // 2, dtype=np.float32), tone(150.0, 1.0)])
    frames = len(audio) // GEOMETRY.f0_hop  # 120 frames of 12.5 ms
    f0 = f0_curve(audio, GEOMETRY, frames)
    assert f0.shape == (frames,)
    assert np.all(f0[:36] == 0)  # silence: unvoiced
    voiced = f0[44:116]
    assert np.all(voiced > 0)
    assert np.median(voiced) == pytest.approx(150.0, rel=0.02)
    onset = int(np.argmax(f0 > 0))
    assert abs(onset - 40) <= 3  # the tone starts at 0.5 s = frame 40


def test_harvest_agrees_with_dio_on_a_tone() -> None:
    audio = tone(220.0, 0.5)
    frames = len(audio) // GEOMETRY.f0_hop
    harvest = f0_curve(audio, GEOMETRY, frames, method="harvest")
    assert np.median(harvest[5:-5]) == pytest.approx(220.0, rel=0.02)


def test_energy_rises_by_log_four_when_the_amplitude_doubles() -> None:
    quiet, loud = tone(300.0, 0.5, 0.1), tone(300.0, 0.5, 0.2)
    frames = len(quiet) // GEOMETRY.f0_hop
    difference = energy_curve(loud, frames) - energy_curve(quiet, frames)
    assert difference.shape == (frames,)
    assert np.allclose(difference[2:-2], np.log(4.0), atol=1e-3)


def test_mel_matches_librosa_with_styletts2_settings() -> None:
    audio = np.random.default_rng(0).standard_normal(RATE // 2).astype(np.float32) * 0.1
    ours = MelSpectrogram()(torch.from_numpy(audio)[None])[0].numpy()
    spec = (
        np.abs(
            librosa.stft(audio, n_fft=2048, hop_length=300, win_length=1200, center=True, pad_mode="reflect")
        )
        ** 2
    )
    basis = librosa.filters.mel(sr=16_000, n_fft=2048, n_mels=80, htk=True, norm=None)
    reference = basis @ spec
    assert ours.shape == reference.shape == (80, len(audio) // 300 + 1)
    assert np.allclose(ours, reference, rtol=1e-3, atol=1e-6)
    energy = log_energy(torch.from_numpy(reference)[None])[0].numpy()
    assert np.allclose(energy, np.log(np.linalg.norm(1e-5 + reference, axis=0)), rtol=1e-5)
