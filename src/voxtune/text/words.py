"""Split a transcript into words, keeping where each one sits and whether it ends a clause."""

from __future__ import annotations

from dataclasses import dataclass

import regex

# A word is a run of letters, combining marks, digits and the zero-width (non-)joiners that Indic
# scripts use inside words, optionally joined by an apostrophe or hyphen ("don't", "week-end").
# Python's own \w misses combining marks, which would cut Telugu words apart.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}\u200c\u200d]+(?:['’\-‐][\p{L}\p{M}\p{N}\u200c\u200d]+)*")
_CLAUSE_END = set(".,;:!?…—–")
_SKIPPED_BEFORE_CLAUSE_END = set(" \t\n\"'’”»)]}")


@dataclass(frozen=True)
class Word:
    """One word of a transcript: its text, its character span and whether a clause ends after it."""

    text: str
    start: int
    end: int
    clause_final: bool


def split_words(text: str) -> list[Word]:
    """The words of ``text`` in order; punctuation and symbols are not words.

    A word is clause-final when only closing quotes/brackets and whitespace stand between it and
    clause punctuation or the end of the text; discourse particles are told apart by this.
    """
    words = []
    for match in _WORD.finditer(text):
        end = match.end()
        position = end
        while position < len(text) and text[position] in _SKIPPED_BEFORE_CLAUSE_END:
            position += 1
        final = position == len(text) or text[position] in _CLAUSE_END
        words.append(Word(match.group(), match.start(), end, final))
    return words


def word_texts(text: str) -> list[str]:
    """Just the word strings of ``text``."""
    return [word.text for word in split_words(text)]
