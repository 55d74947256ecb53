"""HiFi-GAN-style discriminators for decoder fine-tuning: multi-period (MPD) and multi-resolution (MRD),
with least-squares adversarial and feature-matching losses (as StyleTTS2 trains its decoder).

Optional: reconstruction losses alone fine-tune Kokoro's decoder; adversarial training sharpens it
but needs a second optimizer and much more compute.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from voxtune.models.kokoro.losses import STFT_RESOLUTIONS
from voxtune.models.kokoro.spectral import stft_magnitude

PERIODS = (2, 3, 5, 7, 11)
LEAK = 0.1

Features = list[torch.Tensor]


class PeriodDiscriminator(nn.Module):
    """Looks at the waveform folded into ``period`` columns (HiFi-GAN's DiscriminatorP)."""

    def __init__(self, period: int, channels: Sequence[int] = (32, 128, 512, 1024)):
        super().__init__()
        self.period = period
        layers, previous = [], 1
        for index, width in enumerate(channels):
            stride = 3 if index < len(channels) - 1 else 1
            layers.append(weight_norm(nn.Conv2d(previous, width, (5, 1), (stride, 1), padding=(2, 0))))
            previous = width
        layers.append(weight_norm(nn.Conv2d(previous, previous, (5, 1), 1, padding=(2, 0))))
        self.layers = nn.ModuleList(layers)
        self.post = weight_norm(nn.Conv2d(previous, 1, (3, 1), 1, padding=(1, 0)))

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, Features]:
        batch, samples = audio.shape
        if samples % self.period:
            audio = F.pad(audio, (0, self.period - samples % self.period), mode="reflect")
        x = audio.view(batch, 1, -1, self.period)
        features = []
        for layer in self.layers:
            x = F.leaky_relu(layer(x), LEAK)
            features.append(x)
        x = self.post(x)
        features.append(x)
        return x.flatten(1), features


class ResolutionDiscriminator(nn.Module):
    """Looks at one STFT magnitude of the waveform (UnivNet's multi-resolution discriminator)."""

    def __init__(self, resolution: tuple[int, int, int], width: int = 32):
        super().__init__()
        self.resolution = resolution
        kernels = [((3, 9), (1, 1)), ((3, 9), (1, 2)), ((3, 9), (1, 2)), ((3, 9), (1, 2)), ((3, 3), (1, 1))]
        layers, previous = [], 1
        for kernel, stride in kernels:
            padding = (kernel[0] // 2, kernel[1] // 2)
            layers.append(weight_norm(nn.Conv2d(previous, width, kernel, stride, padding=padding)))
            previous = width
        self.layers = nn.ModuleList(layers)
        self.post = weight_norm(nn.Conv2d(width, 1, (3, 3), padding=(1, 1)))

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, Features]:
        n_fft, hop, win = self.resolution
        x = stft_magnitude(audio, n_fft, hop, win).unsqueeze(1)
        features = []
        for layer in self.layers:
            x = F.leaky_relu(layer(x), LEAK)
            features.append(x)
        x = self.post(x)
        features.append(x)
        return x.flatten(1), features


class Discriminators(nn.Module):
    """All period and resolution discriminators; ``forward`` returns each one's scores and features."""

    def __init__(
        self,
        periods: Sequence[int] = PERIODS,
        resolutions: Sequence[tuple[int, int, int]] = STFT_RESOLUTIONS,
        *,
        channels: Sequence[int] = (32, 128, 512, 1024),
        width: int = 32,
    ):
        super().__init__()
        self.members = nn.ModuleList(
            [PeriodDiscriminator(p, channels) for p in periods]
            + [ResolutionDiscriminator(r, width) for r in resolutions]
        )

    def forward(self, audio: torch.Tensor) -> list[tuple[torch.Tensor, Features]]:
        return [member(audio.float()) for member in self.members]


def discriminator_loss(
    real: list[tuple[torch.Tensor, Features]], fake: list[tuple[torch.Tensor, Features]]
) -> torch.Tensor:
    """Least-squares GAN loss of the discriminators: real scores towards 1, generated towards 0."""
    total = real[0][0].new_zeros(())
    for (real_score, _), (fake_score, _) in zip(real, fake, strict=True):
        total = total + torch.mean((1 - real_score) ** 2) + torch.mean(fake_score**2)
    return total


def generator_adversarial_loss(fake: list[tuple[torch.Tensor, Features]]) -> torch.Tensor:
    """Least-squares GAN loss of the generator: its audio's scores towards 1."""
    total = fake[0][0].new_zeros(())
    for score, _ in fake:
        total = total + torch.mean((1 - score) ** 2)
    return total


def feature_matching_loss(
    real: list[tuple[torch.Tensor, Features]], fake: list[tuple[torch.Tensor, Features]]
) -> torch.Tensor:
    """L1 between the discriminators' inner features of real and generated audio (x2, as in HiFi-GAN)."""
    total = fake[0][0].new_zeros(())
    for (_, real_features), (_, fake_features) in zip(real, fake, strict=True):
        for r, f in zip(real_features, fake_features, strict=True):
            total = total + F.l1_loss(f, r.detach())
    return 2 * total


class AdversarialTraining:
    """Discriminators with their own optimizer, stepped once per generator step.

    Kept outside the generator's modules: the trainer's optimizer never sees these weights, and
    ``discriminator_step`` updates them on (real, generated.detach()) before the generator's losses
    are taken against the updated discriminators.
    """

    def __init__(self, discriminators: Discriminators | None = None, lr: float = 2e-4, betas=(0.0, 0.99)):
        self.discriminators = discriminators or Discriminators()
        self.optimizer = torch.optim.AdamW(self.discriminators.parameters(), lr=lr, betas=betas)

    def to(self, device: torch.device | str) -> AdversarialTraining:
        self.discriminators.to(device)
        return self

    def discriminator_step(self, real: torch.Tensor, generated: torch.Tensor) -> torch.Tensor:
        """One update of the discriminators; returns their loss (detached)."""
        self.discriminators.requires_grad_(True)
        self.optimizer.zero_grad(set_to_none=True)
        loss = discriminator_loss(self.discriminators(real), self.discriminators(generated.detach()))
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def generator_losses(
        self, real: torch.Tensor, generated: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(adversarial, feature matching) losses of the generator; gradients reach only ``generated``."""
        self.discriminators.requires_grad_(False)
        with torch.no_grad():
            real_out = self.discriminators(real)
        fake_out = self.discriminators(generated)
        return generator_adversarial_loss(fake_out), feature_matching_loss(real_out, fake_out)
