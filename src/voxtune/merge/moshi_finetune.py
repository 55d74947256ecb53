"""Importing a moshi-finetune LoRA adapter and merging it into a Kyutai STT or Moshi base.

moshi-finetune saves ``lora.safetensors`` (LoRA pairs over every linear layer, kyutai's naming) and a
``config.json`` with the scaling (see :mod:`voxtune.models.kyutai.finetune_lora`). The base may be
kyutai's original checkpoint (what moshi-finetune trained on) or a transformers-format model; the merge
runs in kyutai's naming. Writing the ``kyutai`` format needs only the original weights; the
``transformers`` format needs a transformers model of the same architecture (the base itself, or
``like``) for the codec, tokenizer and config.
"""

from __future__ import annotations

from pathlib import Path

import torch

from voxtune.errors import ConfigError
from voxtune.merge.result import MergeResult, export_all
from voxtune.models.kyutai.checkpoint import ORIGINAL_WEIGHTS_NAME, read_original_state_dict
from voxtune.models.kyutai.convert import apply_original_weights, is_original_checkpoint, original_state_dict
from voxtune.models.kyutai.finetune_lora import merge_finetune_lora, read_finetune_adapter
from voxtune.models.kyutai.layouts import convert_layout, depth_steps
from voxtune.models.registry import detect_family


def merge_finetune_adapter(
    adapter: str | Path,
    out: str | Path,
    *,
    base: str | Path,
    like: str | Path | None = None,
    formats: tuple[str, ...] = ("kyutai",),
    dtype: torch.dtype = torch.bfloat16,
    scaling: float | None = None,
    device: str = "cpu",
) -> MergeResult:
    """Merge the moshi-finetune adapter at ``adapter`` into ``base`` and write ``formats`` under ``out``.

    Refuses (AdapterMismatchError, listing the keys) an adapter whose shapes do not fit the base.
    """
    out = Path(out)
    lora = read_finetune_adapter(adapter, scaling=scaling)
    loaded = None
    if is_original_checkpoint(base):
        weights, _ = read_original_state_dict(base)
        if like is not None:
            loaded = detect_family(like).load(like, dtype=torch.float32, device=device)
    else:
        loaded = detect_family(base).load(base, dtype=torch.float32, device=device)
        weights = original_state_dict(loaded, layout="rust")
    merged, report = merge_finetune_lora(weights, lora, layout="rust")
    details = {
        "scaling": lora.scaling,
        "rank": lora.rank,
        "merged": len(report.merged),
        "replaced": report.replaced,
        "unused": report.unused,
    }
    kind = "moshi" if depth_steps(merged) else "kyutai_stt"
    if loaded is None:
        if formats != ("kyutai",):
            raise ConfigError(
                "writing the transformers format from an original checkpoint needs a transformers model of "
                "the same architecture for its codec, tokenizer and config",
                hint="Pass --like with a transformers-format folder or hub id, e.g. kyutai/stt-1b-en_fr-trfs",
            )
        folder = out / "kyutai"
        folder.mkdir(parents=True, exist_ok=True)
        from safetensors.torch import save_file

        tensors = {
            k: v.detach().to("cpu", dtype if v.is_floating_point() else v.dtype).contiguous()
            for k, v in sorted(convert_layout(merged, "rust").items())
        }
        target = folder / ORIGINAL_WEIGHTS_NAME
        save_file(tensors, str(target), metadata={"format": "pt"})
        outputs = {"kyutai": [target]}
        family_name = kind
    else:
        apply_original_weights(loaded, merged)
        outputs = export_all(loaded, out, formats, dtype)
        family_name = loaded.family.name
    return MergeResult(
        family=family_name,
        base=str(base),
        adapter=str(lora.source),
        kind="moshi-finetune",
        dtype=str(dtype).removeprefix("torch."),
        outputs=outputs,
        details=details,
    )


def import_original(
    checkpoint: str | Path,
    out: str | Path,
    *,
    like: str | Path,
    formats: tuple[str, ...] = ("transformers",),
    dtype: torch.dtype = torch.bfloat16,
    device: str = "cpu",
) -> MergeResult:
    """kyutai's original ``checkpoint`` (LM and pause heads) written as a transformers folder (codec,
    tokenizer and config from ``like``), so voxtune trains and probes it like any other model."""
    loaded = detect_family(like).load(like, dtype=torch.float32, device=device)
    apply_original_weights(loaded, checkpoint)
    outputs = export_all(loaded, Path(out), formats, dtype)
    heads = loaded.extras.get("pause_heads")
    return MergeResult(
        family=loaded.family.name,
        base=str(like),
        adapter=str(checkpoint),
        kind="original",
        dtype=str(dtype).removeprefix("torch."),
        outputs=outputs,
        details={"pause_heads": heads.num_heads if heads is not None else 0},
    )
