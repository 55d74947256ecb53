"""Import a moshi-finetune LoRA adapter and merge it into a kyutai-named state dict.

Verified against kyutai-labs/moshi-finetune (``finetune/checkpointing.py``, ``train.py``,
``finetune/args.py``) and kyutai-labs/moshi (``moshi/modules/lora.py``, ``models/loaders.py``):

- LoRA replaces *every* ``nn.Linear`` of the LM (per-step ``self_attn.in_projs.{i}`` / ``out_projs.{i}``,
  ``gating.*``, ``text_linear``, ``depformer_in.*``, ``linears.*``, ``extra_heads.*``) with ``frozen_W``
  plus ``lora_A`` ``[rank, in]`` and ``lora_B`` ``[out, rank]``; the merged weight is
  ``W + scaling * lora_B @ lora_A``.
- With ``save_adapters: true`` a checkpoint's ``consolidated/`` folder holds ``lora.safetensors`` (the
  trainable tensors only: ``<module>.lora_A.weight``, ``<module>.lora_B.weight`` and, with
  ``lora.ft_embed``, whole embedding tables such as ``emb.0.weight``; float16 by default) and
  ``config.json``: the LM config plus ``lora``, ``lora_rank`` and ``lora_scaling`` (the scaling used here).
- Keys use the moshi package's current naming (``in_projs.{i}``); its load hook also accepts the older
  ``self_attn.in_proj.lora_*`` / ``out_proj.lora_*`` names, a LoRA over the stacked per-step matrix.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file

from voxtune.errors import InputError
from voxtune.models.kyutai.key_report import CheckpointMismatchError, KeyReport, ShapeMismatch
from voxtune.models.kyutai.layouts import (
    OriginalLayout,
    detect_layout,
    from_split_layout,
    to_split_layout,
)

logger = logging.getLogger(__name__)

ADAPTER_WEIGHTS_NAME = "lora.safetensors"
ADAPTER_CONFIG_NAME = "config.json"

_LORA_KEY = re.compile(r"^(?P<module>.+)\.lora_(?P<half>[AB])\.weight$")
_STACKED_MODULE = re.compile(r"^(?P<prefix>.+\.self_attn)\.(?P<kind>in_proj|out_proj)$")


class AdapterMismatchError(CheckpointMismatchError):
    """A LoRA adapter does not fit the base checkpoint; the report names every key at fault."""


@dataclass(frozen=True)
class FinetuneAdapter:
    """A moshi-finetune adapter: its tensors (moshi naming), LoRA scaling and rank."""

    tensors: dict[str, torch.Tensor]
    scaling: float
    rank: int
    source: Path | None = None


@dataclass(frozen=True)
class LoraMergeReport:
    """What a merge did: base weights changed by LoRA, tensors replaced whole, adapter keys left unused."""

    merged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def read_finetune_adapter(path: str | Path, *, scaling: float | None = None) -> FinetuneAdapter:
    """Read ``lora.safetensors`` and the ``config.json`` beside it.

    ``path`` is the file, its folder, or the ``checkpoint_NNNNNN`` folder holding ``consolidated/``;
    ``scaling`` overrides ``lora_scaling`` from config.json; one of the two must be there.
    """
    path = Path(path)
    if path.is_dir() and not (path / ADAPTER_WEIGHTS_NAME).is_file() and (path / "consolidated").is_dir():
        path = path / "consolidated"  # a moshi-finetune checkpoint_NNNNNN folder
    weights = path / ADAPTER_WEIGHTS_NAME if path.is_dir() else path
    if not weights.is_file():
        raise InputError("LoRA adapter file not found", path=weights, hint=f"expected {ADAPTER_WEIGHTS_NAME}")
    config_path = weights.parent / ADAPTER_CONFIG_NAME
    config: dict = {}
    if config_path.is_file():
        try:
            config = json.loads(config_path.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(f"cannot read the adapter's config.json: {exc}", path=config_path) from exc
    if scaling is None:
        if "lora_scaling" not in config:
            raise InputError(
                "the adapter's LoRA scaling is unknown (no lora_scaling in config.json)",
                path=config_path,
                hint="pass scaling= (moshi-finetune's lora.scaling, 2.0 by default)",
            )
        scaling = float(config["lora_scaling"])
    tensors = load_file(str(weights))
    ranks = {v.shape[0] for k, v in tensors.items() if k.endswith(".lora_A.weight")}
    if not ranks:
        raise InputError(
            "the file holds no LoRA tensors (*.lora_A.weight)",
            path=weights,
            hint="a merged consolidated.safetensors is a full checkpoint: use it as the base instead",
        )
    if len(ranks) != 1 or ("lora_rank" in config and ranks != {int(config["lora_rank"])}):
        raise InputError(
            f"inconsistent LoRA ranks: tensors {sorted(ranks)}, config.json {config.get('lora_rank')}",
            path=weights,
        )
    return FinetuneAdapter(tensors=tensors, scaling=scaling, rank=ranks.pop(), source=weights)


def merge_finetune_lora(
    base: Mapping[str, torch.Tensor],
    adapter: FinetuneAdapter,
    *,
    layout: OriginalLayout | None = None,
) -> tuple[dict[str, torch.Tensor], LoraMergeReport]:
    """``base`` (kyutai naming, any layout) with ``adapter`` merged in, in ``layout`` (default: base's own).

    Refuses with :class:`AdapterMismatchError` an adapter whose products ``lora_B @ lora_A`` (or whole
    tensors) do not match the base shapes, half a LoRA pair, or one that matches nothing; adapter keys
    with no counterpart in the base are listed in the report (and logged).
    """
    out_layout = layout or detect_layout(base)
    weights = to_split_layout(base)
    pairs, whole = _parse_adapter(adapter)
    deltas: dict[str, torch.Tensor] = {}
    replaced: dict[str, torch.Tensor] = {}
    mismatches: list[ShapeMismatch] = []
    unused: list[str] = []
    for module, (lora_a, lora_b) in sorted(pairs.items()):
        targets = _targets(module, weights)
        if not targets:
            unused += [f"{module}.lora_A.weight", f"{module}.lora_B.weight"]
            continue
        expected = (sum(weights[t].shape[0] for t in targets), weights[targets[0]].shape[1])
        found = (lora_b.shape[0], lora_a.shape[1])
        if found != expected or any(weights[t].shape[1] != expected[1] for t in targets):
            mismatches.append(ShapeMismatch(f"{module}.lora_B @ lora_A", found, expected))
            continue
        delta = adapter.scaling * (lora_b.float() @ lora_a.float())
        for target, part in zip(targets, delta.split([weights[t].shape[0] for t in targets]), strict=True):
            deltas[target] = part
    for key, value in sorted(whole.items()):
        if key not in weights:
            unused.append(key)
        elif value.shape != weights[key].shape:
            mismatches.append(ShapeMismatch(key, tuple(value.shape), tuple(weights[key].shape)))
        else:
            replaced[key] = value
    if mismatches:
        raise AdapterMismatchError(
            "the LoRA adapter does not fit the base checkpoint",
            KeyReport(shape_mismatches=mismatches),
            path=adapter.source,
            hint="the adapter was trained on a different model size or naming",
        )
    if not deltas and not replaced:
        raise AdapterMismatchError(
            "no key of the LoRA adapter matches the base checkpoint",
            KeyReport(unexpected=sorted(unused)),
            path=adapter.source,
        )
    if unused:
        logger.warning("%d adapter keys have no counterpart in the base: %s", len(unused), ", ".join(unused))
    merged = dict(weights)
    for key, delta in deltas.items():
        merged[key] = (weights[key].float() + delta).to(weights[key].dtype)
    for key, value in replaced.items():
        merged[key] = value.to(weights[key].dtype)
    report = LoraMergeReport(merged=sorted(deltas), replaced=sorted(replaced), unused=sorted(unused))
    return from_split_layout(merged, out_layout), report


def _parse_adapter(adapter: FinetuneAdapter):
    """LoRA pairs by module name, and the whole tensors (``ft_embed``); refuses half pairs."""
    halves: dict[str, dict[str, torch.Tensor]] = {}
    whole: dict[str, torch.Tensor] = {}
    for key, value in adapter.tensors.items():
        if m := _LORA_KEY.match(key):
            halves.setdefault(m.group("module"), {})[m.group("half")] = value
        else:
            whole[key] = value
    lonely = sorted(
        f"{module}.lora_{'B' if 'A' in pair else 'A'}.weight"
        for module, pair in halves.items()
        if len(pair) != 2
    )
    bad_rank = [
        ShapeMismatch(
            f"{module}.lora_B.weight",
            tuple(pair["B"].shape),
            (pair["B"].shape[0], pair["A"].shape[0]),
        )
        for module, pair in halves.items()
        if len(pair) == 2 and pair["B"].shape[1] != pair["A"].shape[0]
    ]
    if lonely or bad_rank:
        raise AdapterMismatchError(
            "the LoRA adapter is incomplete",
            KeyReport(missing=lonely, shape_mismatches=bad_rank),
            path=adapter.source,
        )
    return {module: (pair["A"], pair["B"]) for module, pair in halves.items()}, whole


def _targets(module: str, weights: Mapping[str, torch.Tensor]) -> list[str]:
    """The split-layout weight(s) a LoRA module adapts; an old stacked-attention name maps to every step."""
    if f"{module}.weight" in weights:
        return [f"{module}.weight"]
    if m := _STACKED_MODULE.match(module):
        stem = f"{m.group('prefix')}.{m.group('kind')}s."
        steps = sorted(
            int(k[len(stem) : -len(".weight")])
            for k in weights
            if k.startswith(stem) and k[len(stem) : -len(".weight")].isdigit()
        )
        return [f"{stem}{i}.weight" for i in steps]
    return []
