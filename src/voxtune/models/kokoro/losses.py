"""Kokoro training losses: durations, F0 (voiced frames only), noise/energy, and waveform reconstruction.

Kokoro predicts a duration as ``sigmoid(logits).sum(-1)`` over ``max_dur`` logits per token, so the
duration target is a step vector (the first ``d`` logits on, the rest off) trained with binary
cross-entropy, plus an L1 on the summed prediction (StyleTTS2's ``loss_ce`` and ``loss_dur``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from voxtune.models.kokoro.spectral import MelSpectrogram, log_mel, stft_magnitude

F0_UNIT = 10.0
"""F0 errors are counted in units of 10 Hz (StyleTTS2 divides its F0 loss by 10)."""


def duration_step_targets(durations: torch.Tensor, max_duration: int) -> torch.Tensor:
    """``[..., max_duration]`` step targets: 1 for the first ``min(d, max_duration)`` positions."""
    positions = torch.arange(max_duration, device=durations.device)
    return (positions < durations.unsqueeze(-1)).to(torch.float32)


def predicted_durations(logits: torch.Tensor) -> torch.Tensor:
    """Kokoro's duration prediction: the sum of the logits' sigmoids (frames, not rounded)."""
    return torch.sigmoid(logits.float()).sum(dim=-1)


def duration_losses(
    logits: torch.Tensor, durations: torch.Tensor, mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(BCE on the step targets, L1 of the summed prediction) over real tokens (``mask`` True).

    ``logits`` ``[B, T, max_dur]``; ``durations`` ``[B, T]`` in frames; targets beyond ``max_dur``
    count as ``max_dur``, the most the model can predict.
    """
    max_duration = logits.shape[-1]
    clamped = durations.clamp(max=max_duration)
    targets = duration_step_targets(clamped, max_duration)
    weights = mask.unsqueeze(-1).expand_as(targets).to(torch.float32)
    bce = F.binary_cross_entropy_with_logits(logits.float(), targets, weight=weights, reduction="sum")
    bce = bce / weights.sum().clamp(min=1.0)
    error = (predicted_durations(logits) - clamped.float()).abs()
    l1 = (error * mask).sum() / mask.sum().clamp(min=1)
    return bce, l1


def f0_loss(predicted: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L1 (in 10 Hz units) between predicted and target F0 on voiced frames only (target > 0 and
    ``mask``): unvoiced frames have no pitch to match."""
    voiced = (target > 0) & mask
    error = (predicted.float() - target.float()).abs() / F0_UNIT
    return (error * voiced).sum() / voiced.sum().clamp(min=1)


def energy_loss(predicted: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L1 between predicted and target noise/energy curves over real frames."""
    error = (predicted.float() - target.float()).abs()
    return (error * mask).sum() / mask.sum().clamp(min=1)


STFT_RESOLUTIONS: tuple[tuple[int, int, int], ...] = ((1024, 120, 600), (2048, 240, 1200), (512, 50, 240))
"""(n_fft, hop, window) of the multi-resolution STFT loss (Parallel WaveGAN's, as StyleTTS2 uses)."""


class MultiResolutionSTFTLoss(nn.Module):
    """Spectral convergence + log-magnitude L1, averaged over several STFT resolutions."""

    def __init__(self, resolutions: Sequence[tuple[int, int, int]] = STFT_RESOLUTIONS):
        super().__init__()
        self.resolutions = tuple(resolutions)

    def forward(self, predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        total = predicted.new_zeros((), dtype=torch.float32)
        for n_fft, hop, win in self.resolutions:
            fake = stft_magnitude(predicted.float(), n_fft, hop, win).clamp(min=1e-7)
            real = stft_magnitude(target.float(), n_fft, hop, win).clamp(min=1e-7)
            convergence = torch.linalg.norm(real - fake) / torch.linalg.norm(real).clamp(min=1e-7)
            magnitude = F.l1_loss(torch.log(fake), torch.log(real))
            total = total + convergence + magnitude
        return total / len(self.resolutions)


class MelLoss(nn.Module):
    """L1 between log mel spectrograms of predicted and target audio."""

    def __init__(self, mel: MelSpectrogram | None = None):
        super().__init__()
        self.mel = mel or MelSpectrogram()

    def forward(self, predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(log_mel(self.mel(predicted.float())), log_mel(self.mel(target.float())))
