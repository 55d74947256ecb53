from __future__ import annotations

from pathlib import Path

import pytest
import torch

from voxtune.models.kokoro.checkpoint import kokoro_files, load_kmodel
from voxtune.models.kokoro.trainable import KokoroTrainable, alignment_matrix, window_starts


@pytest.fixture(scope="module")
def trainable(tiny_kokoro_dir: Path) -> KokoroTrainable:
    files = kokoro_files(tiny_kokoro_dir)
    model = KokoroTrainable(load_kmodel(files), files.read_config())
    model.voice_bank.add("tiny_a", files.voice("tiny_a"))
    return model.eval()


def token_ids(model: KokoroTrainable, phonemes: str) -> torch.Tensor:
    return torch.tensor([[0, *(model.kokoro.vocab[ch] for ch in phonemes), 0]])


def test_alignment_matrix_gives_each_frame_to_one_token() -> None:
    alignment = alignment_matrix(torch.tensor([[2, 1, 0], [1, 1, 1]]), 4)
    assert alignment[0].tolist() == [[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]
    assert alignment[1].tolist() == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]


def test_window_starts_stay_inside_each_item() -> None:
    frames = torch.tensor([10, 4, 30])
    for _ in range(20):
        starts = window_starts(frames, 4, random=True)
        assert torch.all(starts >= 0) and torch.all(starts + 4 <= frames)
    assert window_starts(frames, 4, random=False).tolist() == [3, 0, 13]


def test_synthesis_matches_kmodel_inference(trainable: KokoroTrainable, tiny_kokoro_dir: Path) -> None:
    ids = token_ids(trainable, "mˈojən")
    pack = kokoro_files(tiny_kokoro_dir).voice("tiny_a")
    style = pack[ids.shape[1] - 3]  # row L - 1 for L phonemes
    torch.manual_seed(3)
    audio, durations = trainable.synthesise(ids, style)
    torch.manual_seed(3)
    reference, reference_durations = trainable.kokoro.forward_with_tokens(ids, style)
    assert torch.equal(durations, reference_durations)
    assert audio.shape == reference.shape
    assert len(audio) == int(durations.sum()) * trainable.geometry.duration_hop
    assert torch.allclose(audio, reference, atol=1e-5)


def test_teacher_forced_forward_reproduces_inference(
    trainable: KokoroTrainable, tiny_kokoro_dir: Path
) -> None:
    """Fed the model's own durations and F0/noise, the training forward decodes the same audio."""
    ids = token_ids(trainable, "ʃvˈe")
    style = trainable.styles(torch.tensor([0]), torch.tensor([ids.shape[1] - 2]))
    torch.manual_seed(5)
    audio, durations = trainable.synthesise(ids, style)
    frames = int(durations.sum())
    torch.manual_seed(5)
    out = trainable(ids, torch.tensor([ids.shape[1]]), durations[None], torch.tensor([0]), teacher_f0=False)
    assert out.window == frames and out.window_start.tolist() == [0]
    assert out.f0.shape == (1, 2 * frames) and out.noise.shape == (1, 2 * frames)
    assert torch.allclose(out.audio[0], audio, atol=1e-5)
    assert torch.allclose(out.durations[0].round().clamp(min=1), durations.float())


def test_batched_forward_with_a_window_and_frozen_groups(trainable: KokoroTrainable) -> None:
    short = torch.cat([token_ids(trainable, "ab"), torch.zeros(1, 3, dtype=torch.long)], dim=1)
    ids = torch.cat([token_ids(trainable, "ɡˈuda"), short])
    lengths = torch.tensor([7, 4])
    durations = torch.tensor([[3, 2, 2, 2, 2, 2, 3], [4, 3, 3, 4, 0, 0, 0]])
    frames = int(durations.sum(1).max())
    f0 = torch.full((2, 2 * frames), 120.0)
    energy = torch.zeros(2, 2 * frames)
    trainable.train()
    trainable.freeze(["bert", "text_encoder"])
    try:
        out = trainable(ids, lengths, durations, torch.tensor([0, 0]), f0, energy, window=6)
        assert out.audio.shape == (2, 6 * 600)
        assert out.token_mask.tolist() == [[True] * 7, [True] * 4 + [False] * 3]
        assert out.frame_mask.sum(1).tolist() == [32, 28]
        (out.audio.abs().mean() + out.f0.mean() + out.duration_logits.mean()).backward()
        assert all(p.grad is None for p in trainable.kokoro.bert.parameters())
        assert all(p.grad is None for p in trainable.kokoro.text_encoder.parameters())
        assert trainable.kokoro.predictor.duration_proj.linear_layer.weight.grad is not None
        assert trainable.kokoro.decoder.generator.conv_post.weight_v.grad is not None
        assert trainable.voice_bank.tables[0].anchors.weight.grad is not None
    finally:
        trainable.zero_grad(set_to_none=True)
        trainable.freeze([])
        trainable.eval()
    with pytest.raises(ValueError):
        trainable.freeze(["albert"])


def test_forward_stays_in_float32_under_autocast(trainable: KokoroTrainable) -> None:
    ids = token_ids(trainable, "ɡˈuda")
    durations = torch.tensor([[2, 1, 1, 2, 1, 1, 2]])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = trainable(ids, torch.tensor([7]), durations, torch.tensor([0]), teacher_f0=False, window=4)
    assert out.audio.dtype == torch.float32 and torch.isfinite(out.audio).all()
    assert out.duration_logits.dtype == torch.float32
