"""Fixtures for the server's tests: a tiny CSM and a tiny CTC STT model, two adapters each, and a
running service over them (models on one CPU thread: their ops are too small for threads to pay)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch

import support.ctc_family  # noqa: F401  (registers the test-only STT family)
from support.browser import chromium  # noqa: F401  (fixture)
from support.serving import write_adapter
from support.tiny_csm import tiny_csm  # noqa: F401  (fixture)
from voxtune.models.registry import get_family
from voxtune.serve.config import serve_config
from voxtune.serve.service import Service, start_service

torch.set_num_threads(1)

GENERATION = {"max_seconds": 0.6, "seconds_per_character": 0.04, "temperature": 0.9, "top_k": 20}
"""Short utterances: the tiny CSM never ends audio itself, so the frame budget decides the length."""


@dataclass(frozen=True)
class ServeModels:
    csm: Path
    csm_adapters: Path
    ctc: Path
    ctc_adapters: Path


@pytest.fixture(scope="session")
def serve_models(tiny_csm: Path, tmp_path_factory: pytest.TempPathFactory) -> ServeModels:  # noqa: F811
    root = tmp_path_factory.mktemp("serve-models")
    csm_adapters = root / "csm-adapters"
    write_adapter(
        tiny_csm, csm_adapters / "nb", family="csm", seed=1, languages=["nb"], speakers={"nb_f": 0, "nb_m": 1}
    )
    write_adapter(tiny_csm, csm_adapters / "sv", family="csm", seed=2, languages=["sv"], speakers={"sv_f": 2})
    ctc = get_family("test_ctc").build_tiny(root / "ctc", [])
    ctc_adapters = root / "ctc-adapters"
    write_adapter(ctc, ctc_adapters / "en-digits", family="test_ctc", seed=3, languages=["en"], scale=0.5)
    write_adapter(ctc, ctc_adapters / "de-digits", family="test_ctc", seed=4, languages=["de"], scale=0.5)
    return ServeModels(tiny_csm, csm_adapters, ctc, ctc_adapters)


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


@pytest.fixture(scope="module")
def service(serve_models: ServeModels) -> Iterator[Service]:
    """One service for a test module (each module gets its own model worker and metrics)."""
    running = start_service(serve_config(config_data(serve_models)))
    yield running
    running.close()
