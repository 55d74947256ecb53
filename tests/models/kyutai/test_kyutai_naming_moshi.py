"""Moshi 7B: original naming (main and depth transformer) <-> transformers, against kyutai's own forward."""

from __future__ import annotations

import pytest
import torch
from transformers import MoshiForConditionalGeneration

from support.kyutai_reference import depformer_forward, lm_forward
from support.kyutai_tiny import (
    CARD,
    DEPTH_HEADS,
    EPS,
    HEADS,
    HIDDEN,
    MOSHI_CODEBOOKS,
    ROPE_THETA,
    TEXT_CARD,
    assert_identical,
    fake_moshi_checkpoint,
    moshi_config,
)
from voxtune.models.kyutai.key_report import CheckpointMismatchError
from voxtune.models.kyutai.layouts import convert_layout
from voxtune.models.kyutai.naming_moshi import (
    moshi_original_to_transformers,
    moshi_transformers_to_original,
)

K = MOSHI_CODEBOOKS


def moshi_model_from(original: dict[str, torch.Tensor]) -> MoshiForConditionalGeneration:
    model = MoshiForConditionalGeneration(moshi_config()).eval()
    converted = moshi_original_to_transformers(original, model.config)
    missing, unexpected = model.load_state_dict(converted, strict=False)
    assert unexpected == [] and all(key.startswith("audio_encoder.") for key in missing)
    return model


def test_main_transformer_matches_kyutais_own_forward():
    original = fake_moshi_checkpoint()
    model = moshi_model_from(original)
    gen = torch.Generator().manual_seed(3)
    text = torch.randint(0, TEXT_CARD + 1, (2, 6), generator=gen)
    audio = torch.randint(0, CARD + 1, (2, 2 * K, 6), generator=gen)
    with torch.no_grad():
        logits = model(input_ids=text, moshi_audio_codes=audio[:, :K], user_audio_codes=audio[:, K:]).logits
    _, expected = lm_forward(original, text, audio, num_heads=HEADS, rope_theta=ROPE_THETA, eps=EPS)
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=1e-5)


def test_depth_transformer_matches_kyutais_per_slice_forward():
    original = fake_moshi_checkpoint()
    model = moshi_model_from(original)
    gen = torch.Generator().manual_seed(4)
    hidden = torch.randn(2, HIDDEN, generator=gen)
    tokens = torch.cat(
        [
            torch.randint(0, TEXT_CARD + 1, (2, 1), generator=gen),
            torch.randint(0, CARD + 1, (2, K - 1), generator=gen),
        ],
        dim=1,
    )
    with torch.no_grad():
        logits = model.depth_decoder(
            input_ids=tokens, last_hidden_state=hidden[:, None].expand(2, K, HIDDEN)
        ).logits
    expected = depformer_forward(original, hidden, tokens, num_heads=DEPTH_HEADS, eps=EPS)
    torch.testing.assert_close(logits, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("layout", ["rust", "pytorch", "pytorch_split"])
def test_original_to_transformers_to_original_is_bit_identical(layout):
    original = convert_layout(fake_moshi_checkpoint(), layout)
    back = moshi_transformers_to_original(
        moshi_original_to_transformers(original, moshi_config()), moshi_config(), layout=layout
    )
    assert_identical(back, original)


def test_transformers_to_original_to_transformers_is_bit_identical():
    model = MoshiForConditionalGeneration(moshi_config())
    with torch.no_grad():
        for param in model.parameters():
            param.normal_()
    lm = {k: v for k, v in model.state_dict().items() if not k.startswith("audio_encoder.")}
    again = moshi_original_to_transformers(moshi_transformers_to_original(lm, model.config), model.config)
    assert_identical(again, lm)


def test_rust_export_uses_the_per_slice_names_the_rust_server_reads():
    model = MoshiForConditionalGeneration(moshi_config())
    exported = moshi_transformers_to_original(model.state_dict(), model.config)
    assert sorted(exported) == sorted(fake_moshi_checkpoint())


def test_depth_weights_missing_a_step_are_listed():
    original = convert_layout(fake_moshi_checkpoint(), "pytorch")
    del original[f"depformer_in.{K - 1}.weight"]
    del original[f"depformer.layers.0.gating.{K - 1}.linear_out.weight"]
    with pytest.raises(CheckpointMismatchError) as caught:
        moshi_original_to_transformers(original, moshi_config())
    assert caught.value.report.missing == [
        f"depformer.layers.0.gating.{K - 1}.linear_out.weight",
        f"depformer_in.{K - 1}.weight",
    ]
