"""What a merge wrote, and writing a merged model in several formats."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from voxtune.models.base import LoadedModel

REPORT_FILE = "merge.json"


@dataclass
class MergeResult:
    """A merged model: its family and base, the adapter folded in, and the files of each format."""

    family: str
    base: str
    adapter: str
    kind: str
    """``peft`` (a voxtune/peft adapter), ``full`` (a full fine-tune), ``moshi-finetune``, ``original``."""
    dtype: str
    outputs: dict[str, list[Path]]
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "base": self.base,
            "adapter": self.adapter,
            "kind": self.kind,
            "dtype": self.dtype,
            "outputs": {name: [str(p) for p in paths] for name, paths in self.outputs.items()},
            "details": self.details,
        }


def export_all(
    loaded: LoadedModel, out: Path, formats: tuple[str, ...], dtype: torch.dtype
) -> dict[str, list[Path]]:
    """``loaded.family.export`` into ``out/FORMAT/`` for each format."""
    return {name: loaded.family.export(loaded, out / name, format=name, dtype=dtype) for name in formats}


def write_report(result: MergeResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / REPORT_FILE
    path.write_text(json.dumps(result.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")
    return path
