"""Adapters, models and serving configs for server tests.

Adapters are written by the trainer's own saving code (``TrainedWeights.save``) with random LoRA
weights, so two adapters make different output; ``serve_models`` builds a tiny CSM (TTS) and a tiny
CTC model (STT, the test-only family in ``support.ctc_family``) with two adapters each, once a session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

import support.ctc_family  # noqa: F401  (registers the test-only STT family)
from voxtune.models.registry import get_family
from voxtune.train.adapters import TrainedWeights
from voxtune.train.config import LoraSpec

GENERATION = {"max_seconds": 0.6, "seconds_per_character": 0.04, "temperature": 0.9, "top_k": 20}
"""Short utterances: the tiny CSM never ends audio itself, so the frame budget decides the length."""


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
    train_modules: tuple[str, ...] = (),
) -> Path:
    """An adapter of ``model_dir`` with LoRA B weights (and ``train_modules``' copies) drawn from
    N(0, scale) with ``seed``, saved with the trainer's code (peft layout + voxtune_adapter.json)."""
    model_family = get_family(family)
    loaded = model_family.load(model_dir)
    weights = TrainedWeights(
        loaded,
        "lora",
        LoraSpec(r=r, alpha=2 * r, dropout=0.0, train_modules=list(train_modules)),
        model_family.default_lora_targets(loaded),
    )
    name = folder.name
    weights.ensure(name)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for pname, param in weights.model.named_parameters():
            if ".lora_B." in pname:
                param.copy_(torch.randn(param.shape, generator=generator) * scale)
            elif ".modules_to_save." in pname:
                param.add_(torch.randn(param.shape, generator=generator) * scale)
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


@dataclass(frozen=True)
class ServeModels:
    csm: Path
    csm_adapters: Path
    ctc: Path
    ctc_adapters: Path
    kyutai: Path
    kyutai_adapters: Path


@pytest.fixture(scope="session")
def serve_models(tiny_csm: Path, tiny_stt: Path, tmp_path_factory: pytest.TempPathFactory) -> ServeModels:
    """The tiny CSM with adapters ``nb`` (speakers nb_f, nb_m) and ``sv`` (sv_f); the tiny CTC model
    with ``en-digits`` and ``de-digits`` (it gives word times); the tiny Kyutai STT with ``words``
    (LoRA plus a retrained ``lm_head``, as the demo trains it) and ``plain``."""
    root = tmp_path_factory.mktemp("serve-models")
    csm_adapters = root / "csm-adapters"
    write_adapter(
        tiny_csm, csm_adapters / "nb", family="csm", seed=1, languages=["nb"], speakers={"nb_f": 0, "nb_m": 1}
    )
    write_adapter(tiny_csm, csm_adapters / "sv", family="csm", seed=2, languages=["sv"], speakers={"sv_f": 2})
    ctc = get_family("test_ctc").build_tiny(root / "ctc", [])
    ctc_adapters = root / "ctc-adapters"
    write_adapter(ctc, ctc_adapters / "en-digits", family="test_ctc", seed=3, languages=["en"], scale=0.15)
    write_adapter(ctc, ctc_adapters / "de-digits", family="test_ctc", seed=4, languages=["de"], scale=0.15)
    kyutai_adapters = root / "kyutai-adapters"
    write_adapter(
        tiny_stt,
        kyutai_adapters / "words",
        family="kyutai_stt",
        seed=5,
        languages=["en"],
        scale=0.2,
        train_modules=("lm_head",),
    )
    write_adapter(tiny_stt, kyutai_adapters / "plain", family="kyutai_stt", seed=6, scale=0.2)
    return ServeModels(tiny_csm, csm_adapters, ctc, ctc_adapters, tiny_stt, kyutai_adapters)


def config_data(models: ServeModels, **overrides: Any) -> dict[str, Any]:
    """A serving config over the test models; top-level ``overrides`` replace (dicts merge)."""
    data: dict[str, Any] = {
        "models": [
            {
                "name": "tts",
                "base": str(models.csm),
                "adapters": [str(models.csm_adapters)],
                "generation": GENERATION,
                "voices": {"alloy": "nb_f"},
                "emotions": ["calm"],
            },
            {
                "name": "stt",
                "base": str(models.ctc),
                "family": "test_ctc",
                "adapters": [str(models.ctc_adapters)],
            },
            {"name": "kyutai", "base": str(models.kyutai), "adapters": [str(models.kyutai_adapters)]},
        ],
        "limits": {
            "max_input_chars": 200,
            "max_upload_mb": 1,
            "max_audio_seconds": 5,
            "request_timeout_s": 60,
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data
