"""Adapters and serving configs for server tests: adapters written by the trainer's own saving code
(``TrainedWeights.save``) with random LoRA weights, so two adapters make audibly different output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from voxtune.models.registry import get_family
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec


def write_adapter(
    model_dir: Path,
    folder: Path,
    *,
    family: str,
    seed: int,
    languages: list[str] | None = None,
    speakers: dict[str, int] | None = None,
    scale: float = 0.05,
    family_settings: dict[str, Any] | None = None,
    r: int = 4,
) -> Path:
    """An adapter of ``model_dir`` with LoRA B weights drawn N(0, scale) from ``seed``, saved with the
    trainer's code (peft layout + voxtune_adapter.json) into ``folder``."""
    model_family = get_family(family)
    loaded = model_family.load(model_dir)
    weights = TrainedWeights(
        loaded, "lora", LoraSpec(r=r, alpha=2 * r, dropout=0.0), model_family.default_lora_targets(loaded)
    )
    name = folder.name
    weights.ensure(name)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for pname, param in weights.model.named_parameters():
            if ".lora_B." in pname:
                param.copy_(torch.randn(param.shape, generator=generator) * scale)
    settings = model_family.settings(family_settings or {})
    weights.save(
        name,
        folder,
        {
            "family": model_family.name,
            "run": "test-run",
            "stage": name,
            "base_model": loaded.source.to_dict(),
            "languages": languages or [],
            "speakers": speakers or {},
            "language_tag": bool(getattr(settings, "language_tag", False)),
            "family_settings": settings.model_dump(mode="json"),
            "lora": {"r": r, "alpha": 2 * r},
            "training": {"steps": 0, "seed": seed},
            "metrics": {"validation": {"loss": 1.0 + seed / 100}},
            "created": "2026-11-22T00:00:00+00:00",
        },
    )
    return folder


def edit_metadata(folder: Path, **changes: Any) -> None:
    path = folder / "voxtune_adapter.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")
