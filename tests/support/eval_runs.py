"""Run folders as `voxtune train` writes them, for evaluation tests, without training.

The adapters are saved by the trainer's own ``TrainedWeights.save`` (peft format + voxtune_adapter.json):
``same`` keeps peft's initial LoRA B = 0, so it computes exactly what the base model computes; ``noisy``
has random LoRA B weights, so its speech differs from the base model's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import yaml

from voxtune.corpus.manifest import write_json
from voxtune.models.registry import get_family
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec


def save_adapter_run(
    model: Path,
    folder: Path,
    *,
    speakers: list[str],
    languages: list[str],
    noise: float = 0.5,
    seed: int = 0,
) -> Path:
    """``folder/runs/tiny`` with adapters ``same`` and ``noisy`` and a summary.json naming them."""
    family = get_family("csm")
    loaded = family.load(model)
    settings = family.settings({})
    ids = family.speaker_ids(settings, speakers)
    spec = LoraSpec(r=4, alpha=8, dropout=0.0)
    weights = TrainedWeights(loaded, "lora", spec, family.default_lora_targets(loaded))
    run = folder / "runs" / "tiny"
    metadata: dict[str, Any] = {
        "family": "csm",
        "run": "tiny",
        "base_model": loaded.source.to_dict(),
        "languages": languages,
        "speakers": ids,
        "language_tag": False,
        "family_settings": settings.model_dump(mode="json"),
    }
    adapters = {}
    for name in ("same", "noisy"):
        weights.ensure(name)
        if name == "noisy":
            generator = torch.Generator().manual_seed(seed)
            with torch.no_grad():
                for pname, param in weights.peft.named_parameters():
                    if f".{name}." in pname and "lora_B" in pname:
                        param.copy_(torch.randn(param.shape, generator=generator) * noise)
        target = run / "adapters" / name
        weights.save(name, target, {**metadata, "stage": name})
        adapters[name] = str(target)
    write_json({"name": "tiny", "family": "csm", "adapters": adapters}, run / "summary.json")
    return run


def write_eval_config(folder: Path, **config: Any) -> Path:
    path = folder / "eval.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def put_in_split(corpus: Path, split: str) -> Path:
    """Put every item of a corpus folder in ``split`` (the cut field the split stage writes)."""
    from voxtune.corpus import fields
    from voxtune.corpus.manifest import read_cuts, write_cuts

    path = corpus / "cuts.jsonl.gz"
    cuts = list(read_cuts(path))
    for cut in cuts:
        fields.cut_custom(cut)[fields.SPLIT] = split
    write_cuts(cuts, path)
    return corpus
