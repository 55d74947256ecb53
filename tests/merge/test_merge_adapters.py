"""`merge_adapter`: any family's LoRA folded into its base gives the adapted model's outputs, standalone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from voxtune.errors import InputError
from voxtune.merge import merge_adapter
from voxtune.models.kyutai.convert import apply_original_weights
from voxtune.models.registry import get_family
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec


def make_adapter(family_name: str, base: Path, folder: Path, seed: int = 0) -> TrainedWeights:
    """A LoRA adapter with random (non-zero) weights, saved the way `voxtune train` saves one."""
    family = get_family(family_name)
    loaded = family.load(base)
    weights = TrainedWeights(
        loaded, "lora", LoraSpec(r=4, alpha=8, dropout=0.0), family.default_lora_targets(loaded)
    )
    weights.ensure("main")
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in weights.model.named_parameters():
            if "lora_" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.2)
    weights.model.eval()
    weights.save("main", folder, {"family": family_name, "base_model": loaded.source.to_dict(), "stage": "s"})
    return weights


def stt_inputs(config, frames: int = 9, seed: int = 1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    text = torch.randint(0, config.vocab_size - 1, (2, frames, 1), generator=generator)
    audio = torch.randint(
        0, config.codebook_vocab_size - 1, (2, frames, config.num_codebooks), generator=generator
    )
    return torch.cat([text, audio], dim=-1)


def test_a_merged_stt_gives_the_adapted_models_outputs_in_both_formats(tiny_stt: Path, tmp_path: Path):
    weights = make_adapter("kyutai_stt", tiny_stt, tmp_path / "adapter")
    result = merge_adapter(
        tmp_path / "adapter", tmp_path / "out", formats=("transformers", "kyutai"), dtype=torch.float32
    )
    assert result.family == "kyutai_stt" and result.kind == "peft" and result.dtype == "float32"
    family = get_family("kyutai_stt")
    merged = family.load(tmp_path / "out" / "transformers")
    ids = stt_inputs(merged.model.config)
    with torch.no_grad():
        adapted = weights.model(input_ids=ids).logits
        standalone = merged.model(input_ids=ids).logits
        base = family.load(tiny_stt).model(input_ids=ids).logits
    assert (adapted - standalone).abs().max() < 1e-4
    assert (adapted - base).abs().max() > 1e-2  # the adapter does change the model
    # kyutai's naming, read back into a fresh base, is the same model; the pause heads travel along
    fresh = apply_original_weights(family.load(tiny_stt), tmp_path / "out" / "kyutai" / "model.safetensors")
    with torch.no_grad():
        assert (fresh.model(input_ids=ids).logits - standalone).abs().max() < 1e-5
    kyutai = load_file(str(tmp_path / "out" / "kyutai" / "model.safetensors"))
    heads = load_file(str(tiny_stt / "pause_heads.safetensors"))
    for key, value in heads.items():
        assert torch.equal(kyutai[key], value)
    assert (tmp_path / "out" / "kyutai" / "moshi-server.toml").is_file()


def test_the_default_dtype_is_bfloat16_with_the_codec_kept_in_float32(tiny_stt: Path, tmp_path: Path):
    make_adapter("kyutai_stt", tiny_stt, tmp_path / "adapter")
    merge_adapter(tmp_path / "adapter", tmp_path / "out")
    tensors = load_file(str(tmp_path / "out" / "transformers" / "model.safetensors"))
    assert tensors["model.layers.0.self_attn.q_proj.linear.weight"].dtype == torch.bfloat16
    assert all(
        v.dtype == torch.float32
        for k, v in tensors.items()
        if k.startswith("codec_model.") and v.is_floating_point()
    )
    config = json.loads((tmp_path / "out" / "transformers" / "config.json").read_text())
    assert config["dtype"] == "bfloat16"
    assert (tmp_path / "out" / "transformers" / "tokenizer.model").is_file()


def test_a_merged_moshi_gives_the_adapted_models_outputs(tiny_moshi: Path, tmp_path: Path):
    weights = make_adapter("moshi", tiny_moshi, tmp_path / "adapter")
    merge_adapter(tmp_path / "adapter", tmp_path / "out", dtype=torch.float32)
    merged = get_family("moshi").load(tmp_path / "out" / "transformers")
    config = merged.model.config
    generator = torch.Generator().manual_seed(3)
    text = torch.randint(0, config.vocab_size, (1, 8), generator=generator)
    audio = torch.randint(0, config.audio_vocab_size, (1, 2 * config.num_codebooks, 8), generator=generator)
    kwargs = dict(
        input_ids=text,
        moshi_audio_codes=audio[:, : config.num_codebooks],
        user_audio_codes=audio[:, config.num_codebooks :],
    )
    with torch.no_grad():
        assert (weights.model(**kwargs).logits - merged.model(**kwargs).logits).abs().max() < 1e-4


def test_an_adapter_is_refused_by_a_base_with_other_weights(tiny_stt: Path, tmp_path: Path):
    make_adapter("kyutai_stt", tiny_stt, tmp_path / "adapter")
    other = tmp_path / "other-base"
    shutil.copytree(tiny_stt, other)
    tensors = load_file(str(other / "model.safetensors"))
    tensors["model.norm.weight"] = tensors["model.norm.weight"] * 1.5
    save_file(tensors, str(other / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(InputError, match="trained on a different base: its base had content hash"):
        merge_adapter(tmp_path / "adapter", tmp_path / "out", base=str(other))


def test_an_adapter_for_another_family_or_size_is_refused(tiny_stt: Path, tiny_moshi: Path, tmp_path: Path):
    make_adapter("kyutai_stt", tiny_stt, tmp_path / "adapter")
    with pytest.raises(InputError, match="for a kyutai_stt model but the base is a moshi model"):
        merge_adapter(tmp_path / "adapter", tmp_path / "out", base=str(tiny_moshi))
    # a plain peft adapter (no voxtune metadata) whose shapes do not fit
    plain = tmp_path / "plain"
    shutil.copytree(tmp_path / "adapter", plain)
    (plain / "voxtune_adapter.json").unlink()
    tensors = load_file(str(plain / "adapter_model.safetensors"))
    save_file(
        {k: torch.zeros(v.shape[0] + 1, v.shape[1]) for k, v in tensors.items()},
        str(plain / "adapter_model.safetensors"),
    )
    with pytest.raises(InputError, match="does not fit the base"):
        merge_adapter(plain, tmp_path / "out2", base=str(tiny_stt))
    with pytest.raises(InputError, match="not a LoRA adapter"):
        merge_adapter(tmp_path, tmp_path / "out3", base=str(tiny_stt))
