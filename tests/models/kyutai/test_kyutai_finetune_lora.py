"""moshi-finetune LoRA adapters merged into kyutai-named checkpoints."""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from support.kyutai_tiny import (
    DEPTH_HIDDEN,
    DEPTH_LAYERS,
    HIDDEN,
    LAYERS,
    MOSHI_CODEBOOKS,
    PAUSE_HEADS,
    fake_moshi_checkpoint,
    fake_stt_checkpoint,
)
from voxtune.errors import InputError
from voxtune.models.kyutai.finetune_lora import (
    AdapterMismatchError,
    FinetuneAdapter,
    merge_finetune_lora,
    read_finetune_adapter,
)

RANK = 4
SCALING = 2.0


def lora_pair(gen, module: str, out_features: int, in_features: int) -> dict[str, torch.Tensor]:
    return {
        f"{module}.lora_A.weight": torch.randn(RANK, in_features, generator=gen).half(),
        f"{module}.lora_B.weight": torch.randn(out_features, RANK, generator=gen).half(),
    }


def stt_adapter_tensors(seed: int = 0) -> dict[str, torch.Tensor]:
    """LoRA on every nn.Linear of the STT LM, named as moshi-finetune saves them (moshi package naming)."""
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for n in range(LAYERS):
        p = f"transformer.layers.{n}."
        tensors |= lora_pair(gen, p + "self_attn.in_projs.0", 3 * HIDDEN, HIDDEN)
        tensors |= lora_pair(gen, p + "self_attn.out_projs.0", HIDDEN, HIDDEN)
        tensors |= lora_pair(gen, p + "gating.linear_in", 96, HIDDEN)
        tensors |= lora_pair(gen, p + "gating.linear_out", HIDDEN, 48)
    tensors |= lora_pair(gen, "text_linear", 32, HIDDEN)
    for i in range(PAUSE_HEADS):
        tensors |= lora_pair(gen, f"extra_heads.{i}", 6, HIDDEN)
    return tensors


def write_adapter(folder, tensors, config: dict | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "lora.safetensors"))
    if config is not None:
        (folder / "config.json").write_text(json.dumps(config))


def by_hand(weight: torch.Tensor, tensors: dict[str, torch.Tensor], module: str) -> torch.Tensor:
    delta = tensors[f"{module}.lora_B.weight"].float() @ tensors[f"{module}.lora_A.weight"].float()
    return (weight.float() + SCALING * delta).to(weight.dtype)


def bf16(state_dict):
    return {k: v.to(torch.bfloat16) for k, v in state_dict.items()}


def test_reads_the_adapter_folder_with_scaling_and_rank_from_config(tmp_path):
    write_adapter(
        tmp_path,
        stt_adapter_tensors(),
        {"dim": HIDDEN, "lora": True, "lora_rank": RANK, "lora_scaling": 3.5},
    )
    adapter = read_finetune_adapter(tmp_path)
    assert (adapter.scaling, adapter.rank) == (3.5, RANK)
    assert adapter.source == tmp_path / "lora.safetensors"
    assert read_finetune_adapter(tmp_path / "lora.safetensors", scaling=1.0).scaling == 1.0
    checkpoint = tmp_path / "checkpoint_000500"
    write_adapter(checkpoint / "consolidated", stt_adapter_tensors(), {"lora_scaling": 2.0})
    assert read_finetune_adapter(checkpoint).source == checkpoint / "consolidated" / "lora.safetensors"


def test_unknown_scaling_or_inconsistent_rank_is_refused(tmp_path):
    write_adapter(tmp_path / "a", stt_adapter_tensors(), None)
    with pytest.raises(InputError, match="scaling"):
        read_finetune_adapter(tmp_path / "a")
    write_adapter(tmp_path / "b", stt_adapter_tensors(), {"lora_rank": RANK + 1, "lora_scaling": 2.0})
    with pytest.raises(InputError, match="rank"):
        read_finetune_adapter(tmp_path / "b")


def test_stt_adapter_merges_into_the_rust_names_as_applied_by_hand(tmp_path):
    base = bf16(fake_stt_checkpoint())
    tensors = stt_adapter_tensors()
    write_adapter(tmp_path, tensors, {"lora": True, "lora_rank": RANK, "lora_scaling": SCALING})
    merged, report = merge_finetune_lora(base, read_finetune_adapter(tmp_path))
    assert sorted(merged) == sorted(base)
    assert report.unused == [] and report.replaced == []
    assert len(report.merged) == len(tensors) // 2
    for n in range(LAYERS):
        p = f"transformer.layers.{n}."
        expected = by_hand(base[p + "self_attn.in_proj_weight"], tensors, p + "self_attn.in_projs.0")
        assert torch.equal(merged[p + "self_attn.in_proj_weight"], expected)
        expected = by_hand(base[p + "self_attn.out_proj.weight"], tensors, p + "self_attn.out_projs.0")
        assert torch.equal(merged[p + "self_attn.out_proj.weight"], expected)
        expected = by_hand(base[p + "gating.linear_out.weight"], tensors, p + "gating.linear_out")
        assert torch.equal(merged[p + "gating.linear_out.weight"], expected)
    assert torch.equal(
        merged["extra_heads.3.weight"],
        by_hand(base["extra_heads.3.weight"], tensors, "extra_heads.3"),
    )
    assert torch.equal(merged["text_emb.weight"], base["text_emb.weight"])
    assert merged["text_linear.weight"].dtype == torch.bfloat16


def test_merged_linear_computes_what_moshis_lora_linear_computes():
    # moshi/modules/lora.py: forward(x) = frozen_W(x) + scaling * lora_B(lora_A(x))
    base = fake_stt_checkpoint()
    tensors = {k: v.float() for k, v in stt_adapter_tensors().items()}
    merged, _ = merge_finetune_lora(base, FinetuneAdapter(tensors, SCALING, RANK))
    x = torch.randn(5, HIDDEN, generator=torch.Generator().manual_seed(9))
    w = base["transformer.layers.1.self_attn.in_proj_weight"]
    a = tensors["transformer.layers.1.self_attn.in_projs.0.lora_A.weight"]
    b = tensors["transformer.layers.1.self_attn.in_projs.0.lora_B.weight"]
    lora_linear = x @ w.T + SCALING * ((x @ a.T) @ b.T)
    merged_linear = x @ merged["transformer.layers.1.self_attn.in_proj_weight"].T
    torch.testing.assert_close(merged_linear, lora_linear, atol=1e-4, rtol=1e-4)


def test_moshi_depth_adapters_land_in_the_right_rust_slice():
    base = fake_moshi_checkpoint()
    gen = torch.Generator().manual_seed(1)
    tensors = {}
    tensors |= lora_pair(gen, "depformer.layers.0.self_attn.in_projs.2", 3 * DEPTH_HIDDEN, DEPTH_HIDDEN)
    tensors |= lora_pair(gen, "depformer.layers.1.gating.1.linear_in", 48, DEPTH_HIDDEN)
    tensors |= lora_pair(gen, "depformer_in.2", DEPTH_HIDDEN, HIDDEN)
    tensors |= lora_pair(gen, "linears.0", 16, DEPTH_HIDDEN)
    merged, report = merge_finetune_lora(base, FinetuneAdapter(tensors, SCALING, RANK))
    expected = {  # Rust name -> moshi-finetune module
        "depformer.2.transformer.layers.0.self_attn.in_proj_weight": (
            "depformer.layers.0.self_attn.in_projs.2"
        ),
        "depformer.1.transformer.layers.1.gating.linear_in.weight": "depformer.layers.1.gating.1.linear_in",
        "depformer.2.linear_in.weight": "depformer_in.2",
        "depformer.0.linear_out.weight": "linears.0",
    }
    for key, module in expected.items():
        assert torch.equal(merged[key], by_hand(base[key], tensors, module)), key
    changed = sorted(k for k in base if not torch.equal(merged[k], base[k]))
    assert changed == sorted(expected)
    assert len(report.merged) == 4


def test_old_stacked_attention_names_spread_over_every_step():
    base = fake_moshi_checkpoint()
    gen = torch.Generator().manual_seed(2)
    tensors = lora_pair(
        gen,
        "depformer.layers.1.self_attn.in_proj",
        MOSHI_CODEBOOKS * 3 * DEPTH_HIDDEN,
        DEPTH_HIDDEN,
    )
    merged, _ = merge_finetune_lora(base, FinetuneAdapter(tensors, SCALING, RANK))
    delta = SCALING * (
        tensors["depformer.layers.1.self_attn.in_proj.lora_B.weight"].float()
        @ tensors["depformer.layers.1.self_attn.in_proj.lora_A.weight"].float()
    )
    for k, part in enumerate(delta.chunk(MOSHI_CODEBOOKS)):
        key = f"depformer.{k}.transformer.layers.1.self_attn.in_proj_weight"
        assert torch.equal(merged[key], base[key] + part)


def test_mismatched_shapes_are_refused_naming_the_keys():
    tensors = stt_adapter_tensors()
    tensors["transformer.layers.1.gating.linear_out.lora_B.weight"] = torch.zeros(HIDDEN + 8, RANK)
    tensors["text_linear.lora_A.weight"] = torch.zeros(RANK, HIDDEN * 2)
    with pytest.raises(AdapterMismatchError) as caught:
        merge_finetune_lora(fake_stt_checkpoint(), FinetuneAdapter(tensors, SCALING, RANK))
    keys = [m.key for m in caught.value.report.shape_mismatches]
    assert keys == [
        "text_linear.lora_B @ lora_A",
        "transformer.layers.1.gating.linear_out.lora_B @ lora_A",
    ]
    assert "transformer.layers.1.gating.linear_out" in str(caught.value)


def test_unused_keys_are_listed_and_whole_embeddings_replaced():
    base = fake_stt_checkpoint()
    gen = torch.Generator().manual_seed(3)
    tensors = stt_adapter_tensors()
    tensors |= lora_pair(gen, "condition_provider.conditioners.speaker.output_proj", HIDDEN, 8)
    tensors["emb.1.weight"] = torch.randn(base["emb.1.weight"].shape, generator=gen)  # lora.ft_embed
    tensors["depformer_emb.0.weight"] = torch.zeros(3, 3)
    merged, report = merge_finetune_lora(base, FinetuneAdapter(tensors, SCALING, RANK))
    assert report.unused == [
        "condition_provider.conditioners.speaker.output_proj.lora_A.weight",
        "condition_provider.conditioners.speaker.output_proj.lora_B.weight",
        "depformer_emb.0.weight",
    ]
    assert report.replaced == ["emb.1.weight"]
    assert torch.equal(merged["emb.1.weight"], tensors["emb.1.weight"])


def test_half_a_pair_or_an_adapter_matching_nothing_is_refused():
    tensors = stt_adapter_tensors()
    del tensors["text_linear.lora_B.weight"]
    with pytest.raises(AdapterMismatchError) as caught:
        merge_finetune_lora(fake_stt_checkpoint(), FinetuneAdapter(tensors, SCALING, RANK))
    assert caught.value.report.missing == ["text_linear.lora_B.weight"]
    moshi_only = lora_pair(torch.Generator().manual_seed(4), "depformer_in.0", DEPTH_HIDDEN, HIDDEN)
    with pytest.raises(AdapterMismatchError, match="matches"):
        merge_finetune_lora(fake_stt_checkpoint(), FinetuneAdapter(moshi_only, SCALING, RANK))


def test_merge_keeps_the_base_layout_unless_told_otherwise():
    base = fake_moshi_checkpoint()
    tensors = lora_pair(torch.Generator().manual_seed(5), "linears.1", 16, DEPTH_HIDDEN)
    merged, _ = merge_finetune_lora(base, FinetuneAdapter(tensors, SCALING, RANK), layout="pytorch")
    assert "linears.1.weight" in merged and "depformer.1.linear_out.weight" not in merged
    assert f"depformer.layers.{DEPTH_LAYERS - 1}.self_attn.in_proj_weight" in merged
