"""emotion: a speech-emotion label per segment, from a classifier or from a manifest column.

``source: classifier`` runs a transformers audio-classification model (hub id or folder) on each
supervision's audio and stores the label and its probability; ``source: manifest`` reads the label
a manifest column brought (ingest keeps extra columns in ``supervision.custom``). Either way labels
are mapped onto the allowed set (``labels``, with ``synonyms``) and stored as
``supervision.custom["emotion"]`` / ``["emotion_confidence"]``. Ledger codes: ``no_emotion``,
``unknown_emotion``, ``low_emotion_confidence``, ``unreadable_audio``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from lhotse import SupervisionSegment
from lhotse.cut import Cut
from lhotse.utils import fastcopy
from pydantic import Field, model_validator

from voxtune.corpus import fields
from voxtune.corpus.audio import load_cut_audio, supervision_samples
from voxtune.emotion.labels import DEFAULT_EMOTIONS, EmotionError, LabelMap
from voxtune.errors import ItemError
from voxtune.models.reference import ModelReference, check_model_folder
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig, StageOutput


class EmotionConfig(StageConfig):
    source: Literal["classifier", "manifest"] = "classifier"
    model: ModelReference | None = None
    """An audio-classification model (hub id or folder), for ``source: classifier``."""
    column: str = fields.EMOTION
    """For ``source: manifest``: the manifest column (kept in ``supervision.custom``) with the label."""
    labels: list[str] = Field(default_factory=lambda: list(DEFAULT_EMOTIONS), min_length=1)
    """The allowed labels; every stored label is one of these."""
    synonyms: dict[str, str] = {}
    """Extra spellings mapped onto allowed labels (``{"joy": "happy"}``), on top of the built-in ones."""
    min_confidence: float = Field(0.0, ge=0.0, le=1.0)
    """Reject items whose classifier probability is lower (0 switches the gate off)."""
    on_missing: Literal["reject", "keep"] = "reject"
    """For ``source: manifest``: what to do with items whose column is empty."""
    device: str = "auto"
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    batch_size: int = Field(8, ge=1, le=1024)
    window_seconds: float = Field(30.0, gt=0)
    """Longer audio is classified in windows of this length, their probabilities averaged."""

    @model_validator(mode="after")
    def _source_fits(self) -> EmotionConfig:
        LabelMap.create(self.labels, self.synonyms)  # raises for synonyms onto unknown labels
        if self.source == "manifest":
            if self.model is not None:
                raise ValueError("source 'manifest' uses no model; remove 'model' or use source: classifier")
            return self
        if self.model is None:
            raise ValueError("source 'classifier' needs 'model' (an audio-classification hub id or folder)")
        check_model_folder(self.model, architectures={"ForSequenceClassification", "ForAudioClassification"})
        return self


@register_stage
class Emotion(ItemStage):
    name = "emotion"
    config_class = EmotionConfig
    config: EmotionConfig

    def setup(self) -> None:
        config = self.config
        self.batch_size = config.batch_size
        self.label_map = LabelMap.create(config.labels, config.synonyms)
        self.classifier: Any = None
        if config.source == "classifier":
            from voxtune.emotion.classifier import EmotionClassifier

            assert config.model is not None
            from voxtune.models.placement import resolve_device, resolve_dtype

            device = resolve_device(config.device)
            self.classifier = EmotionClassifier.from_pretrained(
                config.model,
                device=device,
                dtype=resolve_dtype(config.dtype, device, gpu="float16"),
                batch_size=config.batch_size,
                window_seconds=config.window_seconds,
            )

    def process(self, cut: Cut) -> StageOutput:
        result = self.process_batch([cut])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def process_batch(self, cuts: Sequence[Cut]) -> list[StageOutput | Exception]:
        if self.config.source == "manifest":
            return [self._catch(self._from_manifest, cut) for cut in cuts]
        return self._classify(cuts)

    @staticmethod
    def _catch(function: Any, cut: Cut) -> StageOutput | Exception:
        try:
            return function(cut)
        except ItemError as error:
            return error

    def _from_manifest(self, cut: Cut) -> Cut:
        if not cut.supervisions:
            raise EmotionError("no_emotion", "the item has no supervision to carry an emotion label")
        supervisions = []
        for supervision in cut.supervisions:
            custom = dict(supervision.custom or {})
            raw = custom.get(self.config.column)
            if (raw is None or not str(raw).strip()) and self.config.on_missing == "keep":
                supervisions.append(supervision)
                continue
            custom[fields.EMOTION] = self.label_map.canonical(raw)
            supervisions.append(fastcopy(supervision, custom=custom))
        cut.supervisions = supervisions
        return cut

    def _classify(self, cuts: Sequence[Cut]) -> list[StageOutput | Exception]:
        results: list[StageOutput | Exception] = list(cuts)
        clips: list[np.ndarray] = []
        owners: list[tuple[int, int]] = []
        rates: list[int] = []
        for index, cut in enumerate(cuts):
            if not cut.supervisions:
                results[index] = EmotionError("no_emotion", "the item has no supervision to label")
                continue
            try:
                audio, rate = load_cut_audio(cut)
            except ItemError as error:
                results[index] = error
                continue
            for position, supervision in enumerate(cut.supervisions):
                clips.append(supervision_samples(cut, audio, rate, supervision))
                owners.append((index, position))
                rates.append(rate)
        labelled: dict[int, list[SupervisionSegment]] = {}
        for rate in sorted(set(rates)):
            chosen = [i for i, r in enumerate(rates) if r == rate]
            scores = self.classifier.classify_batch([clips[i] for i in chosen], rate)
            for i, score in zip(chosen, scores, strict=True):
                index, position = owners[i]
                if isinstance(results[index], Exception):
                    continue
                try:
                    label = self.label_map.canonical(score.label)
                    if score.confidence < self.config.min_confidence:
                        raise EmotionError(
                            "low_emotion_confidence",
                            f"the classifier gives '{label}' only {score.confidence:.2f} "
                            f"(need {self.config.min_confidence:.2f})",
                            label=label,
                            confidence=round(score.confidence, 4),
                        )
                except EmotionError as error:
                    results[index] = error
                    continue
                supervisions = labelled.setdefault(index, list(cuts[index].supervisions))
                custom = dict(supervisions[position].custom or {})
                custom[fields.EMOTION] = label
                custom[fields.EMOTION_CONFIDENCE] = round(score.confidence, 4)
                supervisions[position] = fastcopy(supervisions[position], custom=custom)
        for index, supervisions in labelled.items():
            cut = results[index]
            if isinstance(cut, Cut):
                cut.supervisions = supervisions
        return results
