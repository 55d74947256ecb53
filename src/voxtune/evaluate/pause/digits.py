"""Finding dictated digit runs in word timings, and digits in a transcript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voxtune.text.normalise import UnsupportedLanguageError, get_language

EXTRA_DIGIT_WORDS = {"en": ("oh", "o", "double", "triple")}
"""Words that read as digits in dictation besides the language's digit names ("oh" for zero)."""


@dataclass(frozen=True)
class DigitRun:
    """Consecutive digit words: their span (seconds from the item's start) and how many there are."""

    start: float
    end: float
    digits: int


def digit_words(language: str | None) -> frozenset[str]:
    """Spoken digit names of ``language`` (from voxtune's normaliser) plus dictation extras; English's
    when the language is unknown or has no normaliser."""
    try:
        names = list(get_language(language or "en").digit_names)
    except UnsupportedLanguageError:
        names = list(get_language("en").digit_names)
        language = "en"
    return frozenset(w.lower() for w in [*names, *EXTRA_DIGIT_WORDS.get(language or "en", ())])


def is_digit_word(word: str, names: frozenset[str]) -> bool:
    token = word.strip(".,;:!?\"'()").lower()
    return token.isdigit() or token in names


def digit_runs(
    words: Sequence[tuple[str, float, float]], language: str | None, *, min_digits: int = 2
) -> list[DigitRun]:
    """Runs of at least ``min_digits`` consecutive digit words in ``(word, start, end)`` timings."""
    names = digit_words(language)
    runs: list[DigitRun] = []
    current: list[tuple[str, float, float]] = []
    for word in [*words, ("", 0.0, 0.0)]:  # the sentinel closes the last run
        if word[0] and is_digit_word(word[0], names):
            current.append(word)
            continue
        if len(current) >= min_digits:
            runs.append(DigitRun(current[0][1], current[-1][2], len(current)))
        current = []
    return runs


def has_digits(text: str) -> bool:
    """Whether ``text`` holds any digit character (the fine-tuned model should write none)."""
    return any(ch.isdigit() for ch in text)
