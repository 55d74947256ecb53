"""Audio classification with a transformers ``AutoModelForAudioClassification`` (by id or folder).

Shared by language identification (e.g. MMS-LID) and emotion recognition: both are "which label,
and how sure", read off the model's softmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxtune.evaluate.audio import prepare_audio
from voxtune.evaluate.hf_models import load_pretrained


@dataclass(frozen=True)
class Prediction:
    """The top label, its softmax probability, and every label's probability."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    notes: tuple[str, ...] = ()


class AudioClassifier:
    """A transformers audio-classification model with its feature extractor."""

    def __init__(self, model: str | Path, device: str = "cpu", *, what: str = "audio classifier"):
        import torch
        from transformers import AutoFeatureExtractor, AutoModelForAudioClassification

        self._torch = torch
        self._extractor = load_pretrained(
            AutoFeatureExtractor.from_pretrained, model, f"{what} feature extractor"
        )
        self._model = load_pretrained(AutoModelForAudioClassification.from_pretrained, model, f"{what} model")
        self._model.eval().to(device)
        self._device = device
        self.name = str(model)
        self.sample_rate = int(self._extractor.sampling_rate)
        id2label = self._model.config.id2label
        self.labels: tuple[str, ...] = tuple(id2label[i] for i in range(len(id2label)))

    def predict(self, audio: np.ndarray, sample_rate: int) -> Prediction:
        """Classify one clip (resampled to the model's rate, noted)."""
        prepared = prepare_audio(audio, sample_rate, target_rate=self.sample_rate)
        inputs = self._extractor(prepared.samples, sampling_rate=self.sample_rate, return_tensors="pt")
        with self._torch.inference_mode():
            logits = self._model(**{k: v.to(self._device) for k, v in inputs.items()}).logits
        probs = self._torch.softmax(logits[0].float(), dim=-1).cpu().numpy()
        best = int(np.argmax(probs))
        return Prediction(
            label=self.labels[best],
            confidence=float(probs[best]),
            probabilities={label: float(p) for label, p in zip(self.labels, probs, strict=True)},
            notes=prepared.notes,
        )
