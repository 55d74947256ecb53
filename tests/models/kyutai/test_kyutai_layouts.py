"""The three on-disk namings of kyutai checkpoints convert into each other without loss."""

from __future__ import annotations

import pytest
import torch

from support.kyutai_tiny import (
    DEPTH_LAYERS,
    MOSHI_CODEBOOKS,
    assert_identical,
    fake_moshi_checkpoint,
    fake_stt_checkpoint,
)
from voxtune.models.kyutai.key_report import CheckpointMismatchError
from voxtune.models.kyutai.layouts import (
    LAYOUTS,
    convert_layout,
    depth_steps,
    detect_layout,
    from_split_layout,
    to_split_layout,
)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_moshi_round_trip_through_every_layout_is_lossless(layout):
    rust = fake_moshi_checkpoint()
    converted = convert_layout(rust, layout)
    assert detect_layout(converted) == layout
    assert_identical(convert_layout(converted, "rust"), rust)


def test_pytorch_layout_stacks_steps_the_way_kyutai_import_rust_chunks_them():
    # scripts/import_rust.py: slice k's in_proj_weight = pytorch in_proj_weight.chunk(steps)[k]
    rust = fake_moshi_checkpoint()
    pytorch = convert_layout(rust, "pytorch")
    for n in range(DEPTH_LAYERS):
        for name in ("in_proj_weight", "out_proj.weight"):
            stacked = pytorch[f"depformer.layers.{n}.self_attn.{name}"]
            for k, chunk in enumerate(stacked.chunk(MOSHI_CODEBOOKS)):
                assert torch.equal(chunk, rust[f"depformer.{k}.transformer.layers.{n}.self_attn.{name}"])
        for k in range(MOSHI_CODEBOOKS):
            assert torch.equal(
                pytorch[f"depformer.layers.{n}.gating.{k}.linear_in.weight"],
                rust[f"depformer.{k}.transformer.layers.{n}.gating.linear_in.weight"],
            )
    assert torch.equal(pytorch["depformer_text_emb.weight"], rust["depformer.0.emb.weight"])
    assert torch.equal(pytorch["depformer_emb.1.weight"], rust["depformer.2.emb.weight"])
    assert torch.equal(pytorch["depformer_in.2.weight"], rust["depformer.2.linear_in.weight"])
    assert torch.equal(pytorch["linears.1.weight"], rust["depformer.1.linear_out.weight"])
    assert not any(key.startswith("depformer.0.") for key in pytorch)


def test_split_layout_names_per_step_projections_like_the_moshi_package():
    split = to_split_layout(fake_moshi_checkpoint())
    assert "transformer.layers.0.self_attn.in_projs.0.weight" in split
    assert "transformer.layers.0.self_attn.out_projs.0.weight" in split
    assert f"depformer.layers.1.self_attn.in_projs.{MOSHI_CODEBOOKS - 1}.weight" in split
    assert "depformer.layers.1.norm1.alpha" in split
    assert not any("in_proj_weight" in key for key in split)
    assert depth_steps(split) == MOSHI_CODEBOOKS


def test_stt_package_names_are_read_and_written_back_in_the_rust_servers_underscore_form():
    rust = fake_stt_checkpoint()
    package = {}
    for key, value in rust.items():
        key = key.replace("self_attn.in_proj_weight", "self_attn.in_projs.0.weight")
        package[key.replace("self_attn.out_proj.weight", "self_attn.out_projs.0.weight")] = value
    assert detect_layout(package) == "pytorch_split"
    back = from_split_layout(to_split_layout(package), "rust")
    assert_identical(back, rust)
    assert "transformer.layers.1.self_attn.in_proj_weight" in back


def test_rust_slices_whose_norm_copies_differ_are_refused_by_name():
    rust = fake_moshi_checkpoint()
    rust["depformer.2.transformer.layers.1.norm2.alpha"] = (
        rust["depformer.2.transformer.layers.1.norm2.alpha"] + 1
    )
    with pytest.raises(CheckpointMismatchError) as caught:
        to_split_layout(rust)
    assert caught.value.report.unexpected == ["depformer.2.transformer.layers.1.norm2.alpha"]


def test_a_weight_named_in_two_namings_at_once_is_refused():
    rust = fake_stt_checkpoint()
    rust["transformer.layers.0.self_attn.in_projs.0.weight"] = rust[
        "transformer.layers.0.self_attn.in_proj_weight"
    ]
    with pytest.raises(CheckpointMismatchError) as caught:
        to_split_layout(rust)
    assert "transformer.layers.0.self_attn.in_projs.0.weight" in str(caught.value)
