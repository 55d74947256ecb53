"""Language identification of audio (transformers classifiers such as MMS-LID) and text (lingua).

Every language is reported as an ISO 639-1 code where one exists (``te``, ``ms``, ``nb``), so audio
and text guesses, and the corpus's own language tags, compare directly. Norwegian is reported as
``nb`` (Bokmål), the written standard our Norwegian data uses. lingua has no Luxembourgish model, so
text-side detection cannot return ``lb``; asking for it is a :class:`~voxtune.errors.ConfigError`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from voxtune.errors import ConfigError
from voxtune.evaluate.metrics.audio_classification import AudioClassifier
from voxtune.evaluate.metrics.confusion import ConfusionMatrix, confusion_matrix
from voxtune.text.languages import UnsupportedLanguageError, canonical_language

# Codes seen in language-ID model labels that neither voxtune.text.languages nor lingua maps.
_EXTRA_CODES: dict[str, str] = {
    "zlm": "ms",
    "fil": "tl",
    "cmn": "zh",
    "yue": "zh",
}


def _lingua():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lingua

    return lingua


@lru_cache(maxsize=1)
def _lingua_codes() -> dict[str, str]:
    """Every ISO 639-3 code, 639-1 code and English name lingua knows -> its ISO 639-1 code."""
    lingua = _lingua()
    table: dict[str, str] = {}
    for language in lingua.Language.all():
        two = language.iso_code_639_1.name.lower()
        table[language.iso_code_639_3.name.lower()] = two
        table[language.name.lower()] = two
        table[two] = two
    return table


def to_iso639_1(code: str) -> str:
    """ISO 639-1 code for a 639-1/639-2/639-3 code, a ``xx-YY`` locale or an English name.

    voxtune's own language table decides first (so ``no``/``nob`` -> ``nb``, ``ltz`` -> ``lb``),
    then lingua's 75 languages. A code with no 639-1 equivalent comes back lowercased, unchanged.
    """
    try:
        return canonical_language(code)  # the project's own languages and aliases (no -> nb)
    except UnsupportedLanguageError:
        pass
    text = code.strip().lower().replace("_", "-")
    base = text.split("-")[0] if "-" in text and len(text.split("-")[0]) in (2, 3) else text
    if base in _EXTRA_CODES:
        return _EXTRA_CODES[base]
    return _lingua_codes().get(base, base)


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language as ISO 639-1, the raw label it came from, and the confidence."""

    language: str
    label: str
    confidence: float
    notes: tuple[str, ...] = ()


class AudioLanguageIdentifier:
    """Spoken-language ID with a transformers audio-classification model (e.g. an MMS-LID model).

    Labels are read from the model's ``id2label`` and mapped to ISO 639-1 with :func:`to_iso639_1`.
    """

    def __init__(self, model: str | Path, device: str = "cpu"):
        self._classifier = AudioClassifier(model, device, what="language-ID")
        self.languages = tuple(to_iso639_1(label) for label in self._classifier.labels)

    def identify(self, audio: np.ndarray, sample_rate: int) -> LanguageGuess:
        prediction = self._classifier.predict(audio, sample_rate)
        return LanguageGuess(
            language=to_iso639_1(prediction.label),
            label=prediction.label,
            confidence=prediction.confidence,
            notes=prediction.notes,
        )


class TextLanguageDetector:
    """Language of a transcript with lingua, optionally restricted to candidate languages."""

    def __init__(self, languages: Sequence[str] | None = None):
        self._detector = _build_lingua_detector(
            None if languages is None else tuple(sorted({to_iso639_1(c) for c in languages}))
        )

    def detect(self, text: str) -> LanguageGuess | None:
        """Most likely language of ``text``; ``None`` when lingua cannot tell (e.g. no letters)."""
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            return None
        top = values[0]
        return LanguageGuess(
            language=top.language.iso_code_639_1.name.lower(),
            label=top.language.name.lower(),
            confidence=float(top.value),
        )


@lru_cache(maxsize=8)
def _build_lingua_detector(codes: tuple[str, ...] | None):
    lingua = _lingua()
    if codes is None:
        return lingua.LanguageDetectorBuilder.from_all_languages().build()
    languages = []
    for code in codes:
        try:
            iso = lingua.IsoCode639_1.from_str(code)
        except ValueError:
            iso = None
        if iso is None:
            raise ConfigError(
                f"lingua cannot detect language {code!r} in text",
                hint="lingua has no model for it (Luxembourgish 'lb' among them): leave it out of "
                "the candidates and rely on audio language ID",
            )
        languages.append(lingua.Language.from_iso_code_639_1(iso))
    if len(languages) < 2:
        raise ConfigError("text language detection needs at least two candidate languages")
    return lingua.LanguageDetectorBuilder.from_languages(*languages).build()


def language_confusion(
    truth: Sequence[str], predicted: Sequence[str | None], labels: Sequence[str] | None = None
) -> ConfusionMatrix:
    """Confusion matrix and accuracy of language guesses, after mapping every code to ISO 639-1."""
    return confusion_matrix(
        [to_iso639_1(t) for t in truth],
        [None if p is None else to_iso639_1(p) for p in predicted],
        None if labels is None else [to_iso639_1(label) for label in labels],
    )
