"""moshi-finetune adapters and kyutai's original checkpoints: merged and converted, checked against a merge
done by hand in kyutai's naming and run by a plain re-implementation of kyutai's forward."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from support.kyutai_reference import lm_forward
from voxtune.errors import ConfigError
from voxtune.merge import import_original, merge_finetune_adapter
from voxtune.models.kyutai.checkpoint import CheckpointMismatchError
from voxtune.models.kyutai.convert import original_state_dict
from voxtune.models.kyutai.finetune_lora import AdapterMismatchError
from voxtune.models.registry import get_family

SCALING = 2.0
RANK = 3


@pytest.fixture(scope="module")
def base_checkpoint(tiny_stt: Path, tmp_path_factory) -> Path:
    """The tiny STT's LM and pause heads as kyutai's own model.safetensors (float32, Rust naming)."""
    loaded = get_family("kyutai_stt").load(tiny_stt)
    path = tmp_path_factory.mktemp("original") / "model.safetensors"
    save_file({k: v.contiguous() for k, v in original_state_dict(loaded).items()}, str(path))
    return path


def finetune_adapter(
    base: dict[str, torch.Tensor], folder: Path, *, seed: int = 0, grow: int = 0
) -> dict[str, torch.Tensor]:
    """A moshi-finetune adapter folder (lora.safetensors + config.json) and the merge done by hand."""
    generator = torch.Generator().manual_seed(seed)
    targets = {
        "transformer.layers.0.self_attn.in_projs.0": "transformer.layers.0.self_attn.in_proj_weight",
        "transformer.layers.1.gating.linear_out": "transformer.layers.1.gating.linear_out.weight",
        "text_linear": "text_linear.weight",
        "extra_heads.1": "extra_heads.1.weight",
    }
    tensors, merged = {}, dict(base)
    for module, key in targets.items():
        out_dim, in_dim = base[key].shape
        a = torch.randn(RANK, in_dim + grow, generator=generator) * 0.1
        b = torch.randn(out_dim, RANK, generator=generator) * 0.1
        tensors[f"{module}.lora_A.weight"], tensors[f"{module}.lora_B.weight"] = a.half(), b.half()
        if not grow:
            merged[key] = base[key] + SCALING * (b.half().float() @ a.half().float())
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "lora.safetensors"))
    (folder / "config.json").write_text(
        json.dumps(
            {
                "dim": 64,
                "lora": {"enable": True, "rank": RANK, "scaling": SCALING},
                "lora_rank": RANK,
                "lora_scaling": SCALING,
            }
        )
    )
    return merged


def reference_logits(
    sd: dict[str, torch.Tensor], config, frames: int = 9
) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(4)
    text = torch.randint(0, config.vocab_size - 1, (1, frames), generator=generator)
    audio = torch.randint(
        0, config.codebook_vocab_size - 1, (1, config.num_codebooks, frames), generator=generator
    )
    _, logits = lm_forward(
        sd,
        text,
        audio,
        num_heads=config.num_attention_heads,
        rope_theta=config.rope_parameters["rope_theta"],
        eps=config.rms_norm_eps,
    )
    return torch.cat([text[..., None], audio.transpose(1, 2)], dim=-1), logits


def test_a_moshi_finetune_adapter_merges_like_the_hand_computed_merge(base_checkpoint, tiny_stt, tmp_path):
    base = load_file(str(base_checkpoint))
    by_hand = finetune_adapter(base, tmp_path / "checkpoint_000100" / "consolidated")
    result = merge_finetune_adapter(
        tmp_path / "checkpoint_000100",
        tmp_path / "out",
        base=base_checkpoint,
        like=tiny_stt,
        formats=("kyutai", "transformers"),
        dtype=torch.float32,
    )
    assert (
        result.kind == "moshi-finetune"
        and result.details["scaling"] == SCALING
        and result.details["merged"] == 4
    )
    written = load_file(str(tmp_path / "out" / "kyutai" / "model.safetensors"))
    assert sorted(written) == sorted(by_hand)
    for key, value in by_hand.items():
        torch.testing.assert_close(written[key], value, atol=1e-6, rtol=1e-6)
    # the transformers folder runs as kyutai's own forward on the hand-merged weights, pause heads included
    merged = get_family("kyutai_stt").load(tmp_path / "out" / "transformers")
    ids, expected = reference_logits(by_hand, merged.model.config)
    with torch.no_grad():
        logits = merged.model(input_ids=ids).logits[..., :-1]
    torch.testing.assert_close(logits, expected, atol=1e-4, rtol=1e-4)
    assert torch.allclose(
        merged.extras["pause_heads"].heads[1].weight, by_hand["extra_heads.1.weight"], atol=1e-6
    )


def test_a_transformers_base_gives_the_same_merge(base_checkpoint, tiny_stt, tmp_path):
    base = load_file(str(base_checkpoint))
    by_hand = finetune_adapter(base, tmp_path / "adapter")
    merge_finetune_adapter(
        tmp_path / "adapter" / "lora.safetensors", tmp_path / "out", base=tiny_stt, dtype=torch.float32
    )
    written = load_file(str(tmp_path / "out" / "kyutai" / "model.safetensors"))
    for key, value in by_hand.items():
        torch.testing.assert_close(written[key], value, atol=1e-6, rtol=1e-6)


def test_an_adapter_for_another_model_size_is_refused_with_its_keys(base_checkpoint, tmp_path):
    finetune_adapter(load_file(str(base_checkpoint)), tmp_path / "adapter", grow=8)
    with pytest.raises(AdapterMismatchError) as caught:
        merge_finetune_adapter(tmp_path / "adapter", tmp_path / "out", base=base_checkpoint)
    names = [m.key for m in caught.value.report.shape_mismatches]
    assert "text_linear.lora_B @ lora_A" in names and len(names) == 4


def test_the_transformers_format_needs_a_transformers_model_beside_an_original_base(
    base_checkpoint, tmp_path
):
    finetune_adapter(load_file(str(base_checkpoint)), tmp_path / "adapter")
    with pytest.raises(ConfigError, match="--like"):
        merge_finetune_adapter(
            tmp_path / "adapter", tmp_path / "out", base=base_checkpoint, formats=("transformers",)
        )


def test_an_original_checkpoint_imports_as_a_transformers_folder(base_checkpoint, tiny_stt, tmp_path):
    original = load_file(str(base_checkpoint))
    original = {k: (v * 1.1 if k.endswith("gating.linear_in.weight") else v) for k, v in original.items()}
    save_file(original, str(tmp_path / "model.safetensors"))
    result = import_original(
        tmp_path / "model.safetensors", tmp_path / "out", like=tiny_stt, dtype=torch.float32
    )
    assert result.details == {"pause_heads": 4}
    loaded = get_family("kyutai_stt").load(tmp_path / "out" / "transformers")
    ids, expected = reference_logits(original, loaded.model.config)
    with torch.no_grad():
        torch.testing.assert_close(
            loaded.model(input_ids=ids).logits[..., :-1], expected, atol=1e-4, rtol=1e-4
        )
    # a checkpoint missing a weight is refused with the key named
    del original["transformer.layers.1.norm2.alpha"]
    save_file(original, str(tmp_path / "broken.safetensors"))
    with pytest.raises(CheckpointMismatchError) as caught:
        import_original(tmp_path / "broken.safetensors", tmp_path / "out2", like=tiny_stt)
    assert caught.value.report.missing == ["transformer.layers.1.norm2.alpha"]
    # and one with a weight the model does not have, with that key named
    original["transformer.layers.1.norm2.alpha"] = torch.ones(1, 1, 64)
    original["transformer.layers.2.norm1.alpha"] = torch.ones(1, 1, 64)
    save_file(original, str(tmp_path / "extra.safetensors"))
    with pytest.raises(CheckpointMismatchError) as caught:
        import_original(tmp_path / "extra.safetensors", tmp_path / "out3", like=tiny_stt)
    assert caught.value.report.unexpected == ["transformer.layers.2.norm1.alpha"]
    assert "1 unexpected: transformer.layers.2.norm1.alpha" in str(caught.value)
