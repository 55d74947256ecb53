"""Loading kyutai checkpoint files into transformers models and writing them back for kyutai's server."""

from __future__ import annotations

import json

import pytest
import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import load_file, save_file
from transformers import KyutaiSpeechToTextForConditionalGeneration, MoshiForConditionalGeneration

from support.kyutai_reference import lm_forward
from support.kyutai_tiny import (
    EPS,
    HEADS,
    ROPE_THETA,
    TEXT_CARD,
    assert_identical,
    fake_moshi_checkpoint,
    fake_stt_checkpoint,
    moshi_config,
    stt_config,
    stt_inputs,
)
from voxtune.errors import ConfigError, InputError
from voxtune.models.kyutai.checkpoint import load_original_checkpoint, save_original_checkpoint
from voxtune.models.kyutai.key_report import CheckpointMismatchError
from voxtune.models.kyutai.pause_heads import PauseHeads


def write_original(folder, state_dict, name="model.safetensors"):
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.bfloat16).contiguous() for k, v in state_dict.items()}, str(folder / name))
    return folder / name


def bf16_rounded(state_dict):
    return {k: v.to(torch.bfloat16).float() for k, v in state_dict.items()}


def test_load_from_a_file_and_a_config_object(tmp_path):
    original = fake_stt_checkpoint()
    path = write_original(tmp_path, original)
    loaded = load_original_checkpoint(path, "stt", config=stt_config())
    assert isinstance(loaded.model, KyutaiSpeechToTextForConditionalGeneration)
    assert loaded.layout == "rust" and loaded.source == path and not loaded.codec_loaded
    assert loaded.pause_heads.num_heads == 4
    text, audio, ids = stt_inputs()
    with torch.no_grad():
        logits = loaded.model(input_ids=ids).logits
    _, expected = lm_forward(
        bf16_rounded(original), text, audio, num_heads=HEADS, rope_theta=ROPE_THETA, eps=EPS
    )
    torch.testing.assert_close(logits[..., :TEXT_CARD], expected, atol=1e-5, rtol=1e-5)


def test_a_transformers_folder_as_config_also_supplies_the_codec_weights(tmp_path):
    donor = KyutaiSpeechToTextForConditionalGeneration(stt_config())
    with torch.no_grad():
        for param in donor.codec_model.parameters():
            param.normal_()
    donor.save_pretrained(tmp_path / "trfs")
    path = write_original(tmp_path / "original", fake_stt_checkpoint())
    loaded = load_original_checkpoint(path.parent, "stt", config=tmp_path / "trfs")
    assert loaded.codec_loaded
    assert_identical(
        {k: v for k, v in loaded.model.state_dict().items() if k.startswith("codec_model.")},
        {k: v for k, v in donor.state_dict().items() if k.startswith("codec_model.")},
    )
    reference = load_original_checkpoint(path, "stt", config=stt_config()).model.state_dict()
    assert torch.equal(loaded.model.state_dict()["lm_head.weight"], reference["lm_head.weight"])


def test_kyutai_format_config_json_is_refused_with_a_pointer_to_transformers_repos(tmp_path):
    path = write_original(tmp_path, fake_stt_checkpoint())
    (tmp_path / "config.json").write_text(json.dumps({"dim": 64, "num_heads": 4, "card": 16}))
    with pytest.raises(ConfigError, match="kyutai's own format") as caught:
        load_original_checkpoint(path, "stt", config=tmp_path)
    assert "trfs" in str(caught.value)
    with pytest.raises(ConfigError, match="no transformers config"):
        load_original_checkpoint(path, "stt")


def test_a_config_of_the_other_family_is_refused(tmp_path):
    path = write_original(tmp_path, fake_stt_checkpoint())
    with pytest.raises(ConfigError, match="MoshiConfig"):
        load_original_checkpoint(path, "stt", config=moshi_config())


def test_a_folder_without_model_safetensors_names_what_it_found(tmp_path):
    write_original(tmp_path, fake_stt_checkpoint(), name="weights.safetensors")
    with pytest.raises(InputError, match=r"weights\.safetensors"):
        load_original_checkpoint(tmp_path, "stt", config=stt_config())


def test_a_checkpoint_that_does_not_fit_reports_keys_and_file(tmp_path):
    original = fake_stt_checkpoint()
    del original["transformer.layers.1.gating.linear_out.weight"]
    path = write_original(tmp_path, original)
    with pytest.raises(CheckpointMismatchError) as caught:
        load_original_checkpoint(path, "stt", config=stt_config())
    assert caught.value.report.missing == ["transformer.layers.1.gating.linear_out.weight"]
    assert caught.value.path == str(path)


def test_save_writes_the_rust_servers_names_in_bfloat16_and_reloads_to_the_same_logits(tmp_path):
    model = KyutaiSpeechToTextForConditionalGeneration(stt_config()).eval()
    with torch.no_grad():
        for param in model.model.parameters():
            param.normal_(std=0.2)
    heads = PauseHeads.from_original_state_dict(fake_stt_checkpoint())
    path = save_original_checkpoint(model, tmp_path / "out" / "model.safetensors", extra_heads=heads)
    written = load_file(str(path))
    assert sorted(written) == sorted(fake_stt_checkpoint())
    assert {v.dtype for v in written.values()} == {torch.bfloat16}
    reloaded = load_original_checkpoint(path, "stt", config=model.config)
    assert_identical(
        reloaded.pause_heads.to_original_state_dict(), bf16_rounded(heads.to_original_state_dict())
    )
    rounded = KyutaiSpeechToTextForConditionalGeneration(model.config).eval()
    rounded.load_state_dict(bf16_rounded(model.state_dict()))
    _, _, ids = stt_inputs()
    with torch.no_grad():
        before, after = rounded(input_ids=ids).logits, reloaded.model(input_ids=ids).logits
    assert torch.equal(before[..., :TEXT_CARD], after[..., :TEXT_CARD])


@pytest.mark.parametrize("layout", ["rust", "pytorch"])
def test_moshi_save_then_load_keeps_every_lm_weight(tmp_path, layout):
    model = MoshiForConditionalGeneration(moshi_config())
    path = save_original_checkpoint(model, tmp_path / "moshi.safetensors", dtype=torch.float32, layout=layout)
    if layout == "rust":
        assert sorted(load_file(str(path))) == sorted(fake_moshi_checkpoint())
    reloaded = load_original_checkpoint(path, "moshi", config=model.config)
    assert reloaded.layout == layout and reloaded.pause_heads is None
    keep = lambda sd: {k: v for k, v in sd.items() if not k.startswith("audio_encoder.")}  # noqa: E731
    assert_identical(keep(reloaded.model.state_dict()), keep(model.state_dict()))


def test_a_model_with_unmerged_peft_lora_is_refused_until_merged(tmp_path):
    model = KyutaiSpeechToTextForConditionalGeneration(stt_config())
    peft_model = get_peft_model(model, LoraConfig(r=2, target_modules=["fc1"]))
    with pytest.raises(CheckpointMismatchError, match="merge"):
        save_original_checkpoint(peft_model.base_model.model, tmp_path / "x.safetensors")
    merged = peft_model.merge_and_unload()
    written = load_file(str(save_original_checkpoint(merged, tmp_path / "x.safetensors")))
    assert "transformer.layers.0.gating.linear_in.weight" in written
