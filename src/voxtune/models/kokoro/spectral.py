"""Spectral views of 24 kHz waveforms in torch (differentiable), as StyleTTS2/Kokoro training uses them.

Written here because torchaudio cannot be used in this project; the mel filterbank itself is librosa's.
StyleTTS2's features (``meldataset.py``): torchaudio ``MelSpectrogram(n_mels=80, n_fft=2048,
win_length=1200, hop_length=300)`` -- power 2, HTK mel scale, no filter normalisation, centred
reflect-padded frames -- so one mel frame is one Kokoro F0 frame. That call leaves torchaudio's
default ``sample_rate=16000``, so the filterbank was laid out as if for 16 kHz audio although the
audio is at 24 kHz; ``FILTERBANK_RATE`` keeps that, so energy targets match what Kokoro learnt.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import torch
from torch import nn

FILTERBANK_RATE = 16_000
"""The rate StyleTTS2's mel filterbank was built for (torchaudio's default), whatever the audio's."""


@cache
def _mel_basis(sample_rate: int, n_fft: int, n_mels: int, fmin: float, fmax: float | None) -> np.ndarray:
    import librosa  # slow to import; only training needs it

    return librosa.filters.mel(
        sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=True, norm=None
    ).astype(np.float32)


def stft_magnitude(audio: torch.Tensor, n_fft: int, hop: int, win: int) -> torch.Tensor:
    """``|STFT|`` ``[B, n_fft // 2 + 1, frames]`` of ``[B, samples]`` audio (centred, Hann window)."""
    window = torch.hann_window(win, device=audio.device, dtype=audio.dtype)
    spec = torch.stft(
        audio,
        n_fft,
        hop_length=hop,
        win_length=win,
        window=window,
        center=True,
        pad_mode="reflect",
        return_complex=True,
    )
    return spec.abs()


class MelSpectrogram(nn.Module):
    """Power mel spectrogram ``[B, n_mels, frames]`` (frames = samples // hop + 1)."""

    def __init__(
        self,
        filterbank_rate: int = FILTERBANK_RATE,
        n_fft: int = 2048,
        win_length: int = 1200,
        hop_length: int = 300,
        n_mels: int = 80,
        fmin: float = 0.0,
        fmax: float | None = None,
    ):
        super().__init__()
        self.n_fft, self.win_length, self.hop_length = n_fft, win_length, hop_length
        basis = torch.from_numpy(_mel_basis(filterbank_rate, n_fft, n_mels, fmin, fmax))
        self.register_buffer("basis", basis, persistent=False)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        power = stft_magnitude(audio.float(), self.n_fft, self.hop_length, self.win_length) ** 2
        return self.basis @ power


def log_mel(mel: torch.Tensor) -> torch.Tensor:
    """StyleTTS2's log compression of a power mel spectrogram (``log(1e-5 + mel)``)."""
    return torch.log(1e-5 + mel)


def log_energy(mel: torch.Tensor) -> torch.Tensor:
    """StyleTTS2's noise/energy target per frame: ``log ||1e-5 + mel||_2`` over the mel bins
    (``log_norm`` of the normalised log mel in its ``train_second.py``), ``[B, frames]``."""
    return torch.log(torch.linalg.vector_norm(1e-5 + mel, dim=1))
