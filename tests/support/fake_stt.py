"""A speech-to-text model family for evaluation tests: its "model" is PocketSphinx's digit grammar.

It goes through the family interface exactly as a real STT family would (registered by name, detected
from a folder's config.json, ``generate`` turning audio requests into text), so the suite's STT path is
exercised without a neural recogniser. Training is outside what evaluation needs, so those methods refuse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from torch import nn

from voxtune.evaluate.judges.pocketsphinx_judge import PocketsphinxJudge
from voxtune.models.base import GenerationRequest, GenerationResult, LoadedModel, ModelFamily, ModelSource
from voxtune.models.registry import register_family

MODEL_TYPE = "voxtune_test_digits_stt"


class DigitsSttFamily(ModelFamily):
    name = "test-digits-stt"
    task = "stt"
    model_types = (MODEL_TYPE,)

    def load(self, reference, *, dtype=None, device="cpu", quantization=None, revision=None) -> LoadedModel:
        folder = Path(reference)
        return LoadedModel(
            self, nn.Linear(1, 1), PocketsphinxJudge("digits"), ModelSource(str(folder), folder)
        )

    def generate(self, loaded, requests: Sequence[GenerationRequest], settings, *, speakers=None, seed=0):
        judge = loaded.tokenizer
        return [
            GenerationResult(text=judge.transcribe(r.audio, r.sample_rate), stopped="end_of_text")
            for r in requests
        ]

    def build_tiny(self, folder, texts, *, audio: Iterable[np.ndarray] = (), seed: int = 0) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps({"model_type": MODEL_TYPE}), encoding="utf-8")
        return folder

    def default_lora_targets(self, loaded):
        raise NotImplementedError("the test STT family is not trainable")

    def item_encoder(self, loaded, settings, **kwargs):
        raise NotImplementedError("the test STT family is not trainable")

    def collate(self, examples):
        raise NotImplementedError("the test STT family is not trainable")

    def loss(self, model, batch, settings, **kwargs):
        raise NotImplementedError("the test STT family is not trainable")


register_family(DigitsSttFamily)
