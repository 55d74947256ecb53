"""Spoken-form text normalisation per language, with a map from original tokens to spoken words.

``normalise(text, language)`` reads numbers by context (identifiers digit by digit, quantities,
ordinals, decimals, clock times, money, percentages, years), removes dashes and punctuation
artefacts, and returns a :class:`Normalised` holding the original, the spoken text and the token map.
``validate_spoken`` reports anything still unspeakable; ``realign_words`` carries word timings over.
"""

from __future__ import annotations

from voxtune.text.normalise.errors import NormaliseError, UnsupportedLanguageError
from voxtune.text.normalise.languages import SUPPORTED_LANGUAGES, canonical_language, get_language
from voxtune.text.normalise.normaliser import normalise
from voxtune.text.normalise.realign import realign_words
from voxtune.text.normalise.result import Normalised, TokenMap
from voxtune.text.normalise.validate import ensure_spoken, validate_spoken

__all__ = [
    "SUPPORTED_LANGUAGES",
    "NormaliseError",
    "Normalised",
    "TokenMap",
    "UnsupportedLanguageError",
    "canonical_language",
    "ensure_spoken",
    "get_language",
    "normalise",
    "realign_words",
    "validate_spoken",
]
