"""The emotion labels a corpus allows, and the map from the many ways datasets and models spell them.

Classifiers and corpora name the same emotions differently (IEMOCAP's ``hap``, RAVDESS's
``fearful``, emotion2vec's ``生气/angry``); training wants one spelling. A :class:`LabelMap` turns any
of them into the canonical label or says why it cannot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from voxtune.errors import ItemError

DEFAULT_EMOTIONS: tuple[str, ...] = (
    "neutral",
    "calm",
    "happy",
    "sad",
    "angry",
    "fearful",
    "disgusted",
    "surprised",
)
"""RAVDESS's eight emotions, which cover the usual four-class (IEMOCAP) and seven-class sets."""

SYNONYMS: dict[str, str] = {
    "neu": "neutral",
    "neutrality": "neutral",
    "hap": "happy",
    "happiness": "happy",
    "joy": "happy",
    "joyful": "happy",
    "exc": "happy",  # IEMOCAP's "excited" is merged into happy in the usual four-class setup
    "excited": "happy",
    "sadness": "sad",
    "ang": "angry",
    "anger": "angry",
    "fea": "fearful",
    "fear": "fearful",
    "afraid": "fearful",
    "scared": "fearful",
    "dis": "disgusted",
    "disgust": "disgusted",
    "sur": "surprised",
    "surprise": "surprised",
    "calmness": "calm",
}


class EmotionError(ItemError):
    """One item has no usable emotion label.

    Codes: ``no_emotion`` (the manifest gives none), ``unknown_emotion`` (a label outside the
    allowed set), ``low_emotion_confidence`` (the classifier is not sure enough).
    """


def _key(label: str) -> str:
    """Lower-cased, trimmed, and for bilingual labels (``生气/angry``) the part after the last slash."""
    return label.strip().rsplit("/", 1)[-1].strip().casefold()


@dataclass(frozen=True)
class LabelMap:
    """Allowed labels and synonyms; ``canonical`` maps any spelling onto an allowed label."""

    allowed: tuple[str, ...] = DEFAULT_EMOTIONS
    synonyms: Mapping[str, str] | None = None

    @classmethod
    def create(
        cls, allowed: Iterable[str] = DEFAULT_EMOTIONS, synonyms: Mapping[str, str] | None = None
    ) -> LabelMap:
        """Built-in synonyms plus ``synonyms`` (which win); every target must be an allowed label."""
        labels = tuple(_key(label) for label in allowed)
        own = {_key(source): _key(target) for source, target in (synonyms or {}).items()}
        unknown = sorted({target for target in own.values() if target not in labels})
        if unknown:
            raise ValueError(f"synonyms map onto labels that are not allowed: {', '.join(unknown)}")
        merged = {**SYNONYMS, **own}
        return cls(labels, {source: target for source, target in merged.items() if target in labels})

    def canonical(self, label: object) -> str:
        """The allowed label for ``label``; EmotionError ``unknown_emotion`` when there is none."""
        if label is None or not str(label).strip():
            raise EmotionError("no_emotion", "the item has no emotion label")
        key = _key(str(label))
        if key in self.allowed:
            return key
        target = (self.synonyms or {}).get(key)
        if target is not None:
            return target
        raise EmotionError(
            "unknown_emotion",
            f"emotion label {str(label)!r} is not one of {', '.join(self.allowed)} "
            "(add it to the stage's synonyms to map it)",
            label=str(label),
        )
