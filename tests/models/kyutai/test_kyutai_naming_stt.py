"""Kyutai STT: original naming <-> transformers, checked against an independent forward pass."""

from __future__ import annotations

import pickle

import pytest
import torch
from transformers import KyutaiSpeechToTextForConditionalGeneration

from support.kyutai_reference import lm_forward
from support.kyutai_tiny import (
    EPS,
    HEADS,
    HIDDEN,
    ROPE_THETA,
    TEXT_CARD,
    assert_identical,
    fake_stt_checkpoint,
    stt_config,
    stt_inputs,
    stt_model_from,
)
from voxtune.models.kyutai.key_report import CheckpointMismatchError
from voxtune.models.kyutai.layouts import convert_layout
from voxtune.models.kyutai.naming_stt import (
    stt_original_to_transformers,
    stt_transformers_to_original,
)
from voxtune.models.kyutai.pause_heads import without_pause_heads
from voxtune.models.kyutai.rope_permutation import halves_to_interleaved, interleaved_to_halves


def test_rope_permutation_known_answer_and_inverse():
    # one head of dim 4, rows labelled by index: kyutai pairs (0,1),(2,3) become halves (0,2 | 1,3)
    rows = torch.arange(8.0).reshape(8, 1)
    halves = interleaved_to_halves(rows, num_heads=2)
    assert halves.flatten().tolist() == [0, 2, 1, 3, 4, 6, 5, 7]
    assert torch.equal(halves_to_interleaved(halves, num_heads=2), rows)


def test_converted_model_matches_kyutais_own_forward():
    original = fake_stt_checkpoint()
    model = stt_model_from(original)
    text, audio, ids = stt_inputs()
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    _, expected = lm_forward(original, text, audio, num_heads=HEADS, rope_theta=ROPE_THETA, eps=EPS)
    torch.testing.assert_close(logits[..., :TEXT_CARD], expected, atol=1e-5, rtol=1e-5)
    assert torch.all(logits[..., TEXT_CARD] == 0)  # the extra row transformers adds to lm_head is zero


def test_original_to_transformers_to_original_is_bit_identical():
    original = fake_stt_checkpoint()
    heads = {k: v for k, v in original.items() if k.startswith("extra_heads.")}
    transformers_sd = stt_original_to_transformers(original, stt_config())
    back = stt_transformers_to_original(transformers_sd, stt_config(), extra_heads=heads)
    assert_identical(back, original)


def test_transformers_to_original_to_transformers_is_bit_identical():
    model = KyutaiSpeechToTextForConditionalGeneration(stt_config())
    config = model.config
    with torch.no_grad():
        for param in model.parameters():
            param.normal_()
        model.model.embed_tokens.embed_tokens.weight[-1].zero_()  # the audio pad row kyutai does not store
        model.lm_head.weight[-1].zero_()  # the text row kyutai's text_linear does not have
    lm = {k: v for k, v in model.state_dict().items() if not k.startswith("codec_model.")}
    again = stt_original_to_transformers(stt_transformers_to_original(lm, config), config)
    assert_identical(again, lm)


def test_export_then_reload_into_a_fresh_model_gives_the_same_logits():
    model = KyutaiSpeechToTextForConditionalGeneration(stt_config()).eval()
    with torch.no_grad():
        for param in model.model.parameters():
            param.normal_(std=0.2)
    fresh = stt_model_from(stt_transformers_to_original(model.state_dict(), model.config))
    _, _, ids = stt_inputs()
    with torch.no_grad():
        before, after = model(input_ids=ids).logits, fresh(input_ids=ids).logits
    assert torch.equal(before[..., :TEXT_CARD], after[..., :TEXT_CARD])


def test_reader_accepts_the_current_moshi_package_names():
    original = fake_stt_checkpoint()
    package = convert_layout(original, "pytorch_split")
    assert "transformer.layers.0.self_attn.in_projs.0.weight" in package
    assert_identical(
        stt_original_to_transformers(package, stt_config()),
        stt_original_to_transformers(original, stt_config()),
    )


def test_missing_unexpected_and_misshapen_keys_are_all_listed():
    original = without_pause_heads(fake_stt_checkpoint())
    del original["emb.2.weight"]
    original["condition_provider.foo.weight"] = torch.zeros(3)
    original["text_linear.weight"] = torch.zeros(TEXT_CARD + 1, HIDDEN)
    with pytest.raises(CheckpointMismatchError) as caught:
        stt_original_to_transformers(original, stt_config())
    report = caught.value.report
    assert report.missing == ["emb.2.weight"]
    assert report.unexpected == ["condition_provider.foo.weight"]
    assert [(m.key, m.found, m.expected) for m in report.shape_mismatches] == [
        ("text_linear.weight", (TEXT_CARD + 1, HIDDEN), (TEXT_CARD, HIDDEN))
    ]
    message = str(caught.value)
    assert "emb.2.weight" in message and "condition_provider.foo.weight" in message
    assert "text_linear.weight" in message
    revived = pickle.loads(pickle.dumps(caught.value))  # crosses worker-process boundaries intact
    assert revived.report == report and str(revived) == message


def test_transformers_weights_with_unmerged_lora_are_refused_with_a_hint():
    model = KyutaiSpeechToTextForConditionalGeneration(stt_config())
    lm = {k: v for k, v in model.state_dict().items() if not k.startswith("codec_model.")}
    lm["model.layers.0.self_attn.q_proj.linear.lora_A.default.weight"] = torch.zeros(2, HIDDEN)
    with pytest.raises(CheckpointMismatchError, match="merge"):
        stt_transformers_to_original(lm, model.config)
