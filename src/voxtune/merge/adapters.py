"""Folding a voxtune (peft) adapter into its base model and writing a standalone model, for any family.

The base is loaded in float32 by the adapter's own family, checked to be the model the adapter was
trained on (``voxtune_adapter.json`` records its content hash or hub revision), the adapter applied
with peft and merged (``merge_and_unload``), and the result written by the family's ``export`` in
each requested format and dtype.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from voxtune.errors import ConfigError, InputError
from voxtune.merge.result import MergeResult, export_all
from voxtune.models.base import LoadedModel, ModelFamily
from voxtune.models.registry import detect_family, get_family

PEFT_CONFIG = "adapter_config.json"


def adapter_metadata(adapter: Path) -> dict[str, Any]:
    """The adapter's ``voxtune_adapter.json`` ({} for a plain peft adapter); InputError when the folder
    holds no adapter at all."""
    from voxtune.train.adapters import METADATA_FILE, read_metadata

    if not (adapter / PEFT_CONFIG).is_file():
        if (adapter / METADATA_FILE).is_file():
            return read_metadata(adapter)  # a full fine-tune: a whole model folder
        raise InputError(
            f"no {PEFT_CONFIG} here, so this is not a LoRA adapter",
            path=adapter,
            hint="Point at a stage folder under RUN/adapters/ (or a moshi-finetune lora.safetensors)",
        )
    return read_metadata(adapter) if (adapter / METADATA_FILE).is_file() else {}


def base_of(adapter: Path, metadata: dict[str, Any], base: str | Path | None) -> str:
    """The base to merge into: ``base`` when given, else the one the adapter records (its local folder
    when it still exists, else its hub id)."""
    if base is not None:
        return str(base)
    recorded = metadata.get("base_model") or {}
    local = recorded.get("local_path")
    if local and Path(local).is_dir():
        return str(local)
    if recorded.get("reference"):
        return str(recorded["reference"])
    import json

    config = json.loads((adapter / PEFT_CONFIG).read_text(encoding="utf-8"))
    if config.get("base_model_name_or_path"):
        return str(config["base_model_name_or_path"])
    raise InputError(
        "the adapter does not say which base model it belongs to", path=adapter, hint="Pass --base"
    )


def check_same_base(adapter: Path, metadata: dict[str, Any], loaded: LoadedModel) -> None:
    """Refuse a base whose weights differ from the ones the adapter was trained on, saying both."""
    recorded = metadata.get("base_model") or {}
    have = loaded.source
    if recorded.get("content_hash") and have.content_hash and recorded["content_hash"] != have.content_hash:
        raise InputError(
            f"the adapter was trained on a different base: its base had content hash "
            f"{recorded['content_hash']} ({recorded.get('reference')}), this one has {have.content_hash} "
            f"({have.reference})",
            path=adapter,
            hint="Merge into the model the adapter was trained on (see voxtune_adapter.json)",
        )
    if recorded.get("revision") and have.revision and recorded["revision"] != have.revision:
        raise InputError(
            f"the adapter was trained on revision {recorded['revision']} of {recorded.get('reference')}, "
            f"this base is revision {have.revision}",
            path=adapter,
            hint="Pass --base with the adapter's revision pinned",
        )


def _family(metadata: dict[str, Any], base: str) -> ModelFamily:
    detected = detect_family(base)
    named = metadata.get("family")
    if named and named != detected.name:
        raise InputError(
            f"the adapter is for a {named} model but the base is a {detected.name} model",
            hint="Pass the base model the adapter was trained on",
        )
    return get_family(named) if named else detected


def load_merged(
    adapter: str | Path, *, base: str | Path | None = None, device: str = "cpu"
) -> tuple[LoadedModel, dict[str, Any]]:
    """The base with ``adapter`` merged into it (float32), and the adapter's metadata."""
    adapter = Path(adapter)
    metadata = adapter_metadata(adapter)
    if metadata.get("method") == "full":
        family = get_family(metadata["family"]) if metadata.get("family") else detect_family(adapter)
        return family.load(adapter, dtype=torch.float32, device=device), metadata
    reference = base_of(adapter, metadata, base)
    family = _family(metadata, reference)
    loaded = family.load(reference, dtype=torch.float32, device=device)
    check_same_base(adapter, metadata, loaded)
    from peft import PeftModel

    try:
        peft_model = PeftModel.from_pretrained(loaded.model, str(adapter))
    except (RuntimeError, ValueError, KeyError) as exc:
        raise InputError(
            f"the adapter does not fit the base {reference}: {str(exc).splitlines()[0][:300]}",
            path=adapter,
            hint="The adapter was trained on a different model size or family",
        ) from None
    loaded.model = peft_model.merge_and_unload().eval()
    return loaded, metadata


def merge_adapter(
    adapter: str | Path,
    out: str | Path,
    *,
    base: str | Path | None = None,
    formats: tuple[str, ...] = ("transformers",),
    dtype: torch.dtype = torch.bfloat16,
    device: str = "cpu",
) -> MergeResult:
    """Merge ``adapter`` into its base and write each of ``formats`` under ``out/FORMAT/``."""
    adapter = Path(adapter)
    metadata = adapter_metadata(adapter)
    family_name = metadata.get("family")
    if family_name == "kokoro":
        return _merge_kokoro(adapter, Path(out), metadata, base)
    if family_name:
        unknown = [f for f in formats if f not in get_family(family_name).export_formats]
        if unknown:
            raise ConfigError(
                f"the {family_name} family cannot write {', '.join(unknown)}",
                hint=f"Formats it writes: {', '.join(get_family(family_name).export_formats)}",
            )
    loaded, metadata = load_merged(adapter, base=base, device=device)
    outputs = export_all(loaded, Path(out), formats, dtype)
    return MergeResult(
        family=loaded.family.name,
        base=loaded.source.reference,
        adapter=str(adapter),
        kind="peft" if metadata.get("method") != "full" else "full",
        dtype=str(dtype).removeprefix("torch."),
        outputs=outputs,
        details={"stage": metadata.get("stage"), "run": metadata.get("run")},
    )


def _merge_kokoro(adapter: Path, out: Path, metadata: dict[str, Any], base: str | Path | None) -> MergeResult:
    """Kokoro adapters carry voice tables and new symbol rows that the base gains before peft applies, so
    the family's own export merges them into a folder in Kokoro's layout (float32, as Kokoro ships)."""
    from voxtune.models.kokoro.export import export_adapter
    from voxtune.models.kokoro.family import KokoroFamily

    folder = export_adapter(adapter, out / "kokoro", base=str(base) if base is not None else None)
    recorded = metadata.get("base_model") or {}
    return MergeResult(
        family=KokoroFamily.name,
        base=str(base or recorded.get("reference", "")),
        adapter=str(adapter),
        kind="peft" if metadata.get("method") != "full" else "full",
        dtype="float32",
        outputs={"kokoro": sorted(p for p in folder.rglob("*") if p.is_file())},
        details={"stage": metadata.get("stage"), "run": metadata.get("run")},
    )
