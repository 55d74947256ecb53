"""Emotion recognition accuracy with a transformers audio-classification model (by id or folder).

Emotion models label classes in their own vocabulary (``ang``/``angry``/``anger``); ``aliases`` maps
the model's labels onto the corpus's tags before comparing. Labels are compared case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxtune.evaluate.batch import score_items
from voxtune.evaluate.errors import ItemFailure
from voxtune.evaluate.metrics.audio_classification import AudioClassifier, Prediction
from voxtune.evaluate.metrics.confusion import ConfusionMatrix, confusion_matrix


@dataclass(frozen=True)
class EmotionAccuracy:
    """Accuracy over all items (unscorable ones count as wrong) and the model's mean confidence."""

    accuracy: float
    mean_confidence: float
    mean_confidence_correct: float
    confusion: ConfusionMatrix
    failures: tuple[ItemFailure, ...]


class EmotionClassifier:
    """Speech emotion recognition; labels are lowercased and mapped through ``aliases``."""

    def __init__(self, model: str | Path, device: str = "cpu", aliases: Mapping[str, str] | None = None):
        self._classifier = AudioClassifier(model, device, what="emotion")
        self._aliases = {k.lower(): v.lower() for k, v in (aliases or {}).items()}

    def canonical(self, label: str) -> str:
        return self._aliases.get(label.lower(), label.lower())

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.canonical(label) for label in self._classifier.labels)

    def predict(self, audio: np.ndarray, sample_rate: int) -> Prediction:
        raw = self._classifier.predict(audio, sample_rate)
        probabilities: dict[str, float] = {}
        for label, p in raw.probabilities.items():
            key = self.canonical(label)
            probabilities[key] = probabilities.get(key, 0.0) + p
        best = max(probabilities, key=probabilities.__getitem__)
        return Prediction(best, probabilities[best], probabilities, raw.notes)


def emotion_accuracy(
    classifier: EmotionClassifier,
    clips: Sequence[tuple[str, np.ndarray, int]],
    expected: Sequence[str],
) -> EmotionAccuracy:
    """Classify ``(item_id, audio, sample_rate)`` clips and compare with the expected emotions."""
    if len(clips) != len(expected):
        raise ValueError(f"{len(clips)} clips but {len(expected)} expected labels")
    batch = score_items(
        ((item, (audio, rate)) for item, audio, rate in clips),
        lambda pair: classifier.predict(*pair),
    )
    truth = [label.lower() for label in expected]
    predicted = [batch.results[item].label if item in batch.results else None for item, _, _ in clips]
    confidences = [p.confidence for p in batch.results.values()]
    correct = [
        batch.results[item].confidence
        for (item, _, _), want in zip(clips, truth, strict=True)
        if item in batch.results and batch.results[item].label == want
    ]
    confusion = confusion_matrix(truth, predicted)
    return EmotionAccuracy(
        accuracy=confusion.accuracy,
        mean_confidence=float(np.mean(confidences)) if confidences else float("nan"),
        mean_confidence_correct=float(np.mean(correct)) if correct else float("nan"),
        confusion=confusion,
        failures=batch.failures,
    )
