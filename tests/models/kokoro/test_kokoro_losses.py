from __future__ import annotations

import pytest
import torch

from voxtune.models.kokoro.losses import (
    MelLoss,
    MultiResolutionSTFTLoss,
    duration_losses,
    duration_step_targets,
    energy_loss,
    f0_loss,
    predicted_durations,
)

BIG = 30.0


def step_logits(durations: list[list[int]], max_duration: int = 10) -> torch.Tensor:
    """Logits whose sigmoids are ~1 for the first d positions and ~0 after: predicting exactly d."""
    positions = torch.arange(max_duration)
    d = torch.tensor(durations).unsqueeze(-1)
    return torch.where(positions < d, BIG, -BIG)


def test_step_targets_switch_off_after_the_duration() -> None:
    targets = duration_step_targets(torch.tensor([0, 2, 5]), 4)
    assert targets.tolist() == [[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1]]


def test_sigmoid_sum_is_the_prediction() -> None:
    assert predicted_durations(torch.zeros(1, 3, 50)).tolist() == [[25.0, 25.0, 25.0]]
    assert predicted_durations(step_logits([[3, 7]])).round().tolist() == [[3.0, 7.0]]


def test_duration_losses_vanish_for_the_right_logits() -> None:
    durations = torch.tensor([[3, 7, 1]])
    mask = torch.ones(1, 3, dtype=torch.bool)
    bce, l1 = duration_losses(step_logits([[3, 7, 1]]), durations, mask)
    assert bce.item() < 1e-6
    assert l1.item() < 1e-6


def test_duration_l1_counts_frames_off_and_ignores_padding() -> None:
    durations = torch.tensor([[3, 7, 0]])
    mask = torch.tensor([[True, True, False]])
    logits = step_logits([[4, 5, 9]])  # one frame over, two under; the padded token is wrong by 9
    bce, l1 = duration_losses(logits, durations, mask)
    assert l1.item() == pytest.approx(1.5, abs=1e-4)
    assert bce.item() == pytest.approx(3 * BIG / 20, rel=1e-3)  # 3 wrong positions of 2 x 10
    other = logits.clone()
    other[0, 2] = -other[0, 2]
    assert duration_losses(other, durations, mask)[1].item() == pytest.approx(l1.item())


def test_durations_past_max_dur_count_as_max_dur() -> None:
    durations = torch.tensor([[25]])
    mask = torch.ones(1, 1, dtype=torch.bool)
    bce, l1 = duration_losses(step_logits([[10]]), durations, mask)
    assert bce.item() < 1e-6 and l1.item() < 1e-6


def test_f0_loss_uses_voiced_frames_only() -> None:
    target = torch.tensor([[0.0, 100.0, 200.0, 0.0]])
    mask = torch.ones(1, 4, dtype=torch.bool)
    wrong_where_unvoiced = torch.tensor([[300.0, 100.0, 200.0, 50.0]])
    assert f0_loss(wrong_where_unvoiced, target, mask).item() == 0.0
    off = torch.tensor([[0.0, 110.0, 170.0, 0.0]])
    assert f0_loss(off, target, mask).item() == pytest.approx((1.0 + 3.0) / 2)  # 10 Hz units
    masked = torch.tensor([[True, True, False, True]])
    assert f0_loss(off, target, masked).item() == pytest.approx(1.0)


def test_energy_loss_is_masked_l1() -> None:
    predicted = torch.tensor([[1.0, 2.0, 9.0]])
    target = torch.tensor([[1.5, 1.0, 0.0]])
    mask = torch.tensor([[True, True, False]])
    assert energy_loss(predicted, target, mask).item() == pytest.approx(0.75)


def test_waveform_losses_are_zero_for_identical_audio_and_grow_with_distortion() -> None:
    generator = torch.Generator().manual_seed(0)
    audio = 0.1 * torch.randn(2, 12_000, generator=generator)
    stft, mel = MultiResolutionSTFTLoss(), MelLoss()
    assert stft(audio, audio).item() == pytest.approx(0.0, abs=1e-6)
    assert mel(audio, audio).item() == pytest.approx(0.0, abs=1e-6)
    slightly = audio + 0.01 * torch.randn(2, 12_000, generator=generator)
    badly = audio + 0.1 * torch.randn(2, 12_000, generator=generator)
    assert 0 < stft(slightly, audio).item() < stft(badly, audio).item()
    assert 0 < mel(slightly, audio).item() < mel(badly, audio).item()
