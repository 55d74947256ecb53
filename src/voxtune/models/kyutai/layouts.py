"""The three on-disk namings of kyutai's own checkpoints, and lossless conversion between them.

Verified against kyutai-labs/moshi (rust/moshi-core lm.rs, transformer.rs, batched_transformer.rs;
moshi/modules/transformer.py; scripts/import_rust.py):

- ``"rust"``: what kyutai's Rust/Candle server reads. Attention is ``self_attn.in_proj_weight``
  (rows q, k, v; underscore form, the only name it reads) and ``self_attn.out_proj.weight``. The depth
  transformer is stored once per codebook slice: ``depformer.{k}.transformer.layers.N.*``,
  ``depformer.{k}.emb.weight`` (slice 0 embeds the text token), ``depformer.{k}.linear_in.weight``,
  ``depformer.{k}.linear_out.weight``, with the per-layer norms copied into every slice. Extra keys
  are ignored by the server, a missing key is an error.
- ``"pytorch"``: the PyTorch ``moshi`` package's published checkpoints (``kyutai/*-pytorch-*``).
  Same attention names, but a depth layer's per-step weights are stacked along dim 0
  (``in_proj_weight`` is ``[steps * 3 * dim, dim]``, step-major); ``depformer.layers.N.gating.{k}.*``,
  ``depformer_in.{k}``, ``linears.{k}``, ``depformer_text_emb``, ``depformer_emb.{k-1}``.
- ``"pytorch_split"``: what the PyTorch package saves since 2025 and what moshi-finetune's LoRA keys
  are named after: ``self_attn.in_projs.{step}.weight`` / ``self_attn.out_projs.{step}.weight``,
  otherwise as ``"pytorch"``. This is the hub layout every other module converts through.

Without a depth transformer (the STT models) ``"rust"`` and ``"pytorch"`` are the same naming.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import torch

from voxtune.models.kyutai.key_report import CheckpointMismatchError, KeyReport, ShapeMismatch

OriginalLayout = Literal["rust", "pytorch", "pytorch_split"]
LAYOUTS: tuple[OriginalLayout, ...] = ("rust", "pytorch", "pytorch_split")

StateDict = dict[str, torch.Tensor]

_RUST_SLICE = re.compile(r"^depformer\.(\d+)\.(.+)$")
_STACKED_ATTENTION = re.compile(r"^(.+\.self_attn)\.(in_proj_weight|out_proj\.weight)$")
_SPLIT_ATTENTION = re.compile(r"^(.+\.self_attn)\.(in_projs|out_projs)\.(\d+)\.weight$")
_STEP_GATING = re.compile(r"^depformer\.layers\.(\d+)\.gating\.(\d+)\.(linear_in|linear_out)\.weight$")
_LINEARS = re.compile(r"^linears\.(\d+)\.weight$")


def detect_layout(state_dict: Mapping[str, torch.Tensor]) -> OriginalLayout:
    """Which of the three namings ``state_dict`` uses (``"rust"`` when the answer makes no difference)."""
    keys = list(state_dict)
    if any(_RUST_SLICE.match(k) for k in keys):
        return "rust"
    if any(_SPLIT_ATTENTION.match(k) for k in keys):
        return "pytorch_split"
    if any(k.startswith("depformer.layers.") for k in keys):
        return "pytorch"
    return "rust"


def convert_layout(state_dict: Mapping[str, torch.Tensor], layout: OriginalLayout) -> StateDict:
    """``state_dict`` (any of the three namings) renamed and reshaped into ``layout``."""
    return from_split_layout(to_split_layout(state_dict), layout)


def depth_steps(state_dict: Mapping[str, torch.Tensor]) -> int:
    """How many codebooks the depth transformer predicts (0 without one), from the output heads."""
    steps = {int(m.group(1)) for k in state_dict if (m := _LINEARS.match(k))}
    steps |= {int(m.group(1)) for k in state_dict if (m := _RUST_SLICE.match(k))}
    return max(steps) + 1 if steps else 0


def to_split_layout(state_dict: Mapping[str, torch.Tensor]) -> StateDict:
    """``state_dict`` in any of the three namings, returned in ``"pytorch_split"`` naming."""
    rest: StateDict = {}
    slices: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in state_dict.items():
        if m := _RUST_SLICE.match(key):
            slices.setdefault(int(m.group(1)), {})[m.group(2)] = value
        else:
            rest[key] = value
    out: StateDict = {}
    steps = depth_steps(state_dict)
    for key, value in rest.items():
        if m := _STACKED_ATTENTION.match(key):
            prefix, kind = m.groups()
            mult = steps if prefix.startswith("depformer.") else 1
            stem = "in_projs" if kind == "in_proj_weight" else "out_projs"
            for step, part in enumerate(_unstack(key, value, mult)):
                _put(out, f"{prefix}.{stem}.{step}.weight", part)
        else:
            _put(out, key, value)
    for key, value in _unslice_depformer(slices).items():
        _put(out, key, value)
    return out


def from_split_layout(state_dict: Mapping[str, torch.Tensor], layout: OriginalLayout) -> StateDict:
    """``state_dict`` in ``"pytorch_split"`` naming, returned in ``layout``."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {LAYOUTS}")
    if layout == "pytorch_split":
        return dict(state_dict)
    if layout == "rust" and depth_steps(state_dict) > 0:
        state_dict = _slice_depformer(state_dict)
    return _stack_attention(state_dict)


def _stack_attention(state_dict: Mapping[str, torch.Tensor]) -> StateDict:
    """Per-step ``in_projs.{i}`` / ``out_projs.{i}`` weights stacked into one legacy-named tensor."""
    out: StateDict = {}
    steps: dict[str, dict[int, torch.Tensor]] = {}
    for key, value in state_dict.items():
        if m := _SPLIT_ATTENTION.match(key):
            prefix, stem, step = m.groups()
            name = "in_proj_weight" if stem == "in_projs" else "out_proj.weight"
            steps.setdefault(f"{prefix}.{name}", {})[int(step)] = value
        else:
            out[key] = value
    for key, parts in steps.items():
        if set(parts) != set(range(len(parts))):
            raise CheckpointMismatchError(
                f"per-step weights of {key} are not numbered 0..{len(parts) - 1}",
                KeyReport(unexpected=[f"{key} step {i}" for i in sorted(parts)]),
            )
        out[key] = torch.cat([parts[i] for i in range(len(parts))], dim=0)
    return out


def _unstack(key: str, value: torch.Tensor, mult: int) -> list[torch.Tensor]:
    if mult < 1 or value.shape[0] % mult:
        report = KeyReport(shape_mismatches=[ShapeMismatch(key, tuple(value.shape), (-1, value.shape[-1]))])
        raise CheckpointMismatchError(
            f"cannot split {key} into {mult} per-step weights (rows not divisible)", report
        )
    return list(value.reshape(mult, -1, value.shape[-1]).unbind(0))


def _put(out: StateDict, key: str, value: torch.Tensor) -> None:
    if key in out:
        raise CheckpointMismatchError(
            "the checkpoint names the same weight twice (mixed namings)",
            KeyReport(unexpected=[key]),
        )
    out[key] = value


def _unslice_depformer(slices: Mapping[int, Mapping[str, torch.Tensor]]) -> StateDict:
    """Rust per-slice depth weights back to one depth transformer with per-step weights."""
    out: StateDict = {}
    shared: dict[str, tuple[int, torch.Tensor]] = {}
    unknown: list[str] = []
    differing: list[str] = []
    for k in sorted(slices):
        for name, value in slices[k].items():
            full = f"depformer.{k}.{name}"
            if name == "linear_in.weight":
                out[f"depformer_in.{k}.weight"] = value
            elif name == "linear_out.weight":
                out[f"linears.{k}.weight"] = value
            elif name.startswith("emb."):
                stem = "depformer_text_emb" if k == 0 else f"depformer_emb.{k - 1}"
                out[stem + name[len("emb") :]] = value
            elif m := re.match(r"^transformer\.layers\.(\d+)\.(.+)$", name):
                layer, rest = m.groups()
                base = f"depformer.layers.{layer}."
                if rest == "self_attn.in_proj_weight":
                    out[f"{base}self_attn.in_projs.{k}.weight"] = value
                elif rest == "self_attn.out_proj.weight":
                    out[f"{base}self_attn.out_projs.{k}.weight"] = value
                elif rest.startswith("gating."):
                    out[f"{base}gating.{k}.{rest[len('gating.') :]}"] = value
                elif base + rest in shared:
                    if not torch.equal(shared[base + rest][1], value):
                        differing.append(full)
                else:
                    shared[base + rest] = (k, value)
            else:
                unknown.append(full)
    if unknown or differing:
        raise CheckpointMismatchError(
            "the Rust depth-transformer slices cannot be read as one depth transformer",
            KeyReport(unexpected=sorted(unknown + differing)),
            hint="per-slice norms must be identical copies and slices may hold only the known weights",
        )
    out.update({key: value for key, (_, value) in shared.items()})
    return out


def _slice_depformer(state_dict: Mapping[str, torch.Tensor]) -> StateDict:
    """One depth transformer with per-step weights (split naming) to Rust's per-slice copies."""
    out: StateDict = {}
    steps = depth_steps(state_dict)
    for key, value in state_dict.items():
        if m := re.match(r"^depformer_in\.(\d+)\.weight$", key):
            out[f"depformer.{m.group(1)}.linear_in.weight"] = value
        elif m := _LINEARS.match(key):
            out[f"depformer.{m.group(1)}.linear_out.weight"] = value
        elif key.startswith("depformer_text_emb."):
            out["depformer.0.emb." + key[len("depformer_text_emb.") :]] = value
        elif m := re.match(r"^depformer_emb\.(\d+)\.(.+)$", key):
            out[f"depformer.{int(m.group(1)) + 1}.emb.{m.group(2)}"] = value
        elif (m := _SPLIT_ATTENTION.match(key)) and key.startswith("depformer.layers."):
            prefix, stem, step = m.groups()
            layer = prefix[len("depformer.layers.") : -len(".self_attn")]
            name = "in_proj_weight" if stem == "in_projs" else "out_proj.weight"
            out[f"depformer.{step}.transformer.layers.{layer}.self_attn.{name}"] = value
        elif m := _STEP_GATING.match(key):
            layer, step, which = m.groups()
            out[f"depformer.{step}.transformer.layers.{layer}.gating.{which}.weight"] = value
        elif m := re.match(r"^depformer\.layers\.(\d+)\.(.+)$", key):
            for step in range(steps):
                out[f"depformer.{step}.transformer.layers.{m.group(1)}.{m.group(2)}"] = value
        else:
            out[key] = value
    return out
