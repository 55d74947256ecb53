from __future__ import annotations

import torch

from voxtune.models.kokoro.discriminators import (
    AdversarialTraining,
    Discriminators,
    discriminator_loss,
    feature_matching_loss,
    generator_adversarial_loss,
)


def small_discriminators() -> Discriminators:
    return Discriminators(periods=(2, 3), resolutions=((128, 32, 128),), channels=(4, 8, 16, 16), width=4)


def test_every_discriminator_scores_and_exposes_features() -> None:
    torch.manual_seed(0)
    outputs = small_discriminators()(torch.randn(2, 4801))  # odd length: periods pad
    assert len(outputs) == 3
    for score, features in outputs:
        assert score.shape[0] == 2 and torch.isfinite(score).all()
        assert len(features) >= 5


def test_loss_values_on_known_scores() -> None:
    ones = [(torch.ones(2, 3), [torch.ones(1)])]
    zeros = [(torch.zeros(2, 3), [torch.zeros(1)])]
    assert discriminator_loss(ones, zeros).item() == 0.0  # perfect discriminator
    assert discriminator_loss(zeros, ones).item() == 2.0
    assert generator_adversarial_loss(ones).item() == 0.0
    assert generator_adversarial_loss(zeros).item() == 1.0
    assert feature_matching_loss(ones, zeros).item() == 2.0


def test_discriminator_step_learns_to_tell_real_from_generated() -> None:
    torch.manual_seed(0)
    t = torch.arange(1200) / 24_000
    real = 0.5 * torch.sin(2 * torch.pi * 220 * t).repeat(2, 1)
    fake = 0.5 * torch.randn(2, 1200)
    adversarial = AdversarialTraining(small_discriminators(), lr=1e-3)
    first = adversarial.discriminator_step(real, fake).item()
    for _ in range(5):
        last = adversarial.discriminator_step(real, fake).item()
    assert last < first
    generated = fake.clone().requires_grad_(True)
    adv, fm = adversarial.generator_losses(real, generated)
    (adv + fm).backward()
    assert generated.grad is not None and generated.grad.abs().sum() > 0
    assert all(p.grad is None or not p.requires_grad for p in adversarial.discriminators.parameters())
