"""Speech-emotion classification with any transformers audio-classification model, batched.

Clips longer than ``window_seconds`` are cut into windows whose class probabilities are averaged,
weighted by window length, so memory stays flat on long items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soxr
import torch

from voxtune.errors import InputError

MIN_SECONDS = 0.025
"""Shorter windows are zero-padded to this: wav2vec2-style encoders need one 25 ms frame."""


@dataclass(frozen=True)
class EmotionScores:
    """The model's best label for one clip, its probability, and every label's probability."""

    label: str
    confidence: float
    probabilities: dict[str, float]


class EmotionClassifier:
    """An ``AutoModelForAudioClassification`` and its feature extractor; see :meth:`from_pretrained`."""

    def __init__(
        self,
        model: Any,
        feature_extractor: Any,
        *,
        device: str | torch.device = "cpu",
        batch_size: int = 8,
        window_seconds: float = 30.0,
    ):
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.feature_extractor = feature_extractor
        self.sample_rate = int(feature_extractor.sampling_rate)
        self.batch_size = max(1, batch_size)
        self.window = max(1, round(window_seconds * self.sample_rate))
        id2label = model.config.id2label
        self.labels = [str(id2label[index]) for index in range(len(id2label))]

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        *,
        device: str | torch.device = "cpu",
        dtype: torch.dtype | None = None,
        revision: str | None = None,
        **options: Any,
    ) -> EmotionClassifier:
        """Load an audio-classification model and its feature extractor from a hub id or a folder."""
        from transformers import AutoConfig, AutoFeatureExtractor, AutoModelForAudioClassification

        name = str(name_or_path)
        try:
            config = AutoConfig.from_pretrained(name, revision=revision)
        except (OSError, ValueError) as error:
            raise InputError(
                f"cannot load an audio-classification model from '{name}': {error}",
                hint="Give a hub id or a folder saved with save_pretrained",
            ) from error
        heads = ("ForSequenceClassification", "ForAudioClassification")
        if not any(name.endswith(heads) for name in config.architectures or []):
            raise InputError(
                f"'{name}' holds {', '.join(config.architectures or [config.model_type])}, "
                "not an audio-classification model",
                hint="Use a speech-emotion classifier (an *ForSequenceClassification checkpoint)",
            )
        try:
            feature_extractor = AutoFeatureExtractor.from_pretrained(name, revision=revision)
            model = AutoModelForAudioClassification.from_pretrained(name, revision=revision, dtype=dtype)
        except (OSError, ValueError) as error:
            raise InputError(
                f"cannot load the classifier and feature extractor from '{name}': {error}",
                hint="The folder needs the model and its preprocessor_config.json",
            ) from error
        return cls(model, feature_extractor, device=device, **options)

    def classify(self, audio: np.ndarray, sample_rate: int) -> EmotionScores:
        return self.classify_batch([audio], sample_rate)[0]

    def classify_batch(self, audios: Sequence[np.ndarray], sample_rate: int) -> list[EmotionScores]:
        """Scores for mono clips (``(samples,)`` float arrays at ``sample_rate``)."""
        windows: list[np.ndarray] = []
        owners: list[int] = []
        for index, audio in enumerate(audios):
            samples = np.asarray(audio, dtype=np.float32)
            if sample_rate != self.sample_rate and samples.size:
                samples = soxr.resample(samples, sample_rate, self.sample_rate).astype(np.float32)
            for start in range(0, max(samples.size, 1), self.window):
                windows.append(samples[start : start + self.window])
                owners.append(index)
        step = self.batch_size
        probabilities = np.concatenate(
            [self._probabilities(windows[i : i + step]) for i in range(0, len(windows), step)]
        )
        weights = np.array([max(w.size, 1) for w in windows], dtype=np.float64)
        results = []
        for index in range(len(audios)):
            mine = np.array(owners) == index
            mean = np.average(probabilities[mine], axis=0, weights=weights[mine])
            best = int(mean.argmax())
            results.append(
                EmotionScores(
                    label=self.labels[best],
                    confidence=float(mean[best]),
                    probabilities={label: float(p) for label, p in zip(self.labels, mean, strict=True)},
                )
            )
        return results

    def _probabilities(self, windows: list[np.ndarray]) -> np.ndarray:
        shortest = round(MIN_SECONDS * self.sample_rate)
        padded = [np.pad(w, (0, max(0, shortest - w.size))) for w in windows]
        inputs = self.feature_extractor(
            padded, sampling_rate=self.sample_rate, padding=True, return_tensors="pt"
        )
        dtype = next(self.model.parameters()).dtype
        inputs = {
            key: value.to(self.device, dtype) if value.is_floating_point() else value.to(self.device)
            for key, value in inputs.items()
        }
        with torch.inference_mode():
            logits = self.model(**inputs).logits.float()
        return torch.softmax(logits, dim=-1).cpu().numpy().astype(np.float64)
