"""Fixtures for the server's tests: a tiny CSM and a tiny CTC STT model, two adapters each, and a
running service over them (models on one CPU thread: their ops are too small for threads to pay)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

from support.browser import chromium  # noqa: F401  (fixture)
from support.kyutai_corpora import tiny_stt  # noqa: F401  (fixture)
from support.serving import ServeModels, config_data, serve_models  # noqa: F401  (fixture)
from support.tiny_csm import tiny_csm  # noqa: F401  (fixture)
from voxtune.serve.config import serve_config
from voxtune.serve.service import Service, start_service

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def service(serve_models: ServeModels) -> Iterator[Service]:  # noqa: F811
    """One service for a test module (each module gets its own model worker and metrics)."""
    running = start_service(serve_config(config_data(serve_models)))
    yield running
    running.close()
