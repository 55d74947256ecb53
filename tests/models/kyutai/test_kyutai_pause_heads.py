"""Pause heads: read from kyutai's naming, applied to the post-norm state, class-0 softmax per head."""

from __future__ import annotations

import pytest
import torch

from support.kyutai_reference import lm_forward
from support.kyutai_tiny import (
    EPS,
    HEADS,
    HIDDEN,
    PAUSE_HEADS,
    ROPE_THETA,
    fake_stt_checkpoint,
    stt_inputs,
    stt_model_from,
)
from voxtune.models.kyutai.key_report import CheckpointMismatchError
from voxtune.models.kyutai.pause_heads import PauseHeads, final_hidden_state, pause_head_tensors


def test_heads_are_read_from_and_written_back_to_kyutais_names():
    original = fake_stt_checkpoint()
    heads = PauseHeads.from_original_state_dict(original)
    assert heads.num_heads == PAUSE_HEADS
    written = heads.to_original_state_dict()
    assert sorted(written) == [f"extra_heads.{i}.weight" for i in range(PAUSE_HEADS)]
    for key, value in written.items():
        assert torch.equal(value, original[key])


def test_a_checkpoint_without_heads_gives_none():
    assert PauseHeads.from_original_state_dict(fake_stt_checkpoint(pause_heads=False)) is None


def test_probabilities_match_a_direct_float64_softmax_and_lie_in_0_1():
    original = fake_stt_checkpoint()
    heads = PauseHeads.from_original_state_dict(original)
    hidden = torch.randn(2, 9, HIDDEN, generator=torch.Generator().manual_seed(5)) * 3
    probs = heads.pause_probabilities(hidden)
    assert probs.shape == (2, 9, PAUSE_HEADS) and probs.dtype == torch.float32
    assert torch.all((probs >= 0) & (probs <= 1))
    for i in range(PAUSE_HEADS):
        logits = hidden.double() @ original[f"extra_heads.{i}.weight"].double().T
        expected = logits.exp()[..., 0] / logits.exp().sum(-1)
        torch.testing.assert_close(probs[..., i].double(), expected, atol=1e-6, rtol=1e-6)


def test_bfloat16_heads_softmax_their_logits_in_float32_like_the_rust_server():
    original = fake_stt_checkpoint()
    heads = PauseHeads.from_original_state_dict(original).to(torch.bfloat16)
    hidden = torch.randn(1, 4, HIDDEN, generator=torch.Generator().manual_seed(6))
    probs = heads.pause_probabilities(hidden)
    assert probs.dtype == torch.float32
    for i in range(PAUSE_HEADS):
        logits = hidden.bfloat16() @ original[f"extra_heads.{i}.weight"].bfloat16().T
        torch.testing.assert_close(probs[..., i], torch.softmax(logits.float(), dim=-1)[..., 0])


def test_transformers_final_hidden_state_is_kyutais_post_out_norm_state():
    original = fake_stt_checkpoint()
    model = stt_model_from(original)
    text, audio, ids = stt_inputs()
    with torch.no_grad():
        hidden = final_hidden_state(model, input_ids=ids)
        all_states = model(input_ids=ids, output_hidden_states=True).hidden_states
    expected, _ = lm_forward(original, text, audio, num_heads=HEADS, rope_theta=ROPE_THETA, eps=EPS)
    torch.testing.assert_close(hidden, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(all_states[-1], expected, atol=1e-5, rtol=1e-5)
    # out_norm's alpha is not all ones, so a missing or doubled norm would have failed the checks above
    assert not torch.allclose(model.model.norm(hidden), hidden, atol=1e-3)


def test_malformed_head_keys_are_refused():
    original = fake_stt_checkpoint()
    del original["extra_heads.1.weight"]
    with pytest.raises(CheckpointMismatchError, match="extra_heads"):
        PauseHeads.from_original_state_dict(original)
    with pytest.raises(CheckpointMismatchError):
        pause_head_tensors(
            {"extra_heads.0.weight": torch.zeros(6, HIDDEN), "extra_heads.0.bias": torch.zeros(6)}
        )
