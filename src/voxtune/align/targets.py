"""Turn words (as characters) or phonemes into CTC target ids, and lay them out for the Viterbi.

Every input symbol keeps its place: a symbol the model cannot emit but that carries no sound
(punctuation for a character model, symbols listed in ``skip`` for a phoneme model) maps to ``None``
and is later given a zero-length span; any other symbol missing from the vocabulary is an error
naming it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from voxtune.align.ctc_viterbi import STAR
from voxtune.align.errors import AlignmentError

StarPlacement = Literal["none", "edges", "words"]
"""Where a star wildcard may absorb untranscribed speech: nowhere, before and after the transcript,
or also between every two words.
"""

UnitIds = list[list[int | None]]
"""Per word, per input symbol: the vocab id to align, or None for a symbol that is not aligned."""


def vocabulary_case(vocab: Mapping[str, int]) -> Literal["upper", "lower"] | None:
    """Whether the vocabulary's letters are all upper case, all lower case, or mixed (None)."""
    letters = [
        token for token in vocab if len(token) == 1 and token.isalpha() and token.lower() != token.upper()
    ]
    if letters and all(token.isupper() for token in letters):
        return "upper"
    if letters and all(token.islower() for token in letters):
        return "lower"
    return None


def character_ids(words: Sequence[str], vocab: Mapping[str, int]) -> UnitIds:
    """Map each character of each word (NFC) to a vocab id, matching the vocabulary's letter case.

    Punctuation (Unicode category P*) missing from the vocabulary maps to None. Raises
    :class:`AlignmentError` ``unknown_tokens`` naming every other character the vocabulary lacks.
    """
    case = vocabulary_case(vocab)
    result: UnitIds = []
    unknown: dict[str, list[str]] = {}
    for word in words:
        ids: list[int | None] = []
        for char in unicodedata.normalize("NFC", word):
            folded = char.upper() if case == "upper" else char.lower() if case == "lower" else char
            if folded in vocab:
                ids.append(vocab[folded])
            elif char in vocab:
                ids.append(vocab[char])
            elif unicodedata.category(char).startswith("P"):
                ids.append(None)
            else:
                unknown.setdefault(char, []).append(word)
                ids.append(None)
        result.append(ids)
    _raise_if_unknown(unknown, "characters")
    return result


def phoneme_ids(
    phonemes: Sequence[Sequence[str]], vocab: Mapping[str, int], *, skip: Collection[str] = ()
) -> UnitIds:
    """Map each phoneme of each word to a vocab id; phonemes in ``skip`` map to None.

    Raises :class:`AlignmentError` ``unknown_tokens`` naming every phoneme the vocabulary lacks.
    """
    result: UnitIds = []
    unknown: dict[str, list[str]] = {}
    for word in phonemes:
        if isinstance(word, str):
            raise TypeError("phonemes must be a list of phonemes per word, e.g. [['h', 'ə', 'l', 'oʊ']]")
        ids: list[int | None] = []
        for phoneme in word:
            if phoneme in vocab:
                ids.append(vocab[phoneme])
            elif phoneme in skip:
                ids.append(None)
            else:
                unknown.setdefault(phoneme, []).append(" ".join(word))
                ids.append(None)
        result.append(ids)
    _raise_if_unknown(unknown, "phonemes")
    return result


def _raise_if_unknown(unknown: dict[str, list[str]], kind: str) -> None:
    if not unknown:
        return
    named = ", ".join(f"{token!r} (in {words[0]!r})" for token, words in unknown.items())
    raise AlignmentError(
        "unknown_tokens",
        f"{len(unknown)} {kind} are not in the model vocabulary: {named}",
        tokens=list(unknown),
    )


@dataclass(frozen=True)
class TargetLayout:
    """The sequence handed to the Viterbi and where each input symbol sits in it."""

    targets: list[int]
    """Vocab ids, word delimiters and STARs, in order."""
    positions: list[list[int | None]]
    """Per word, per input symbol: its index in ``targets``, or None when it is not aligned."""
    star_indices: list[int]
    """Indices in ``targets`` that hold a STAR."""


def lay_out_targets(
    unit_ids: UnitIds, *, word_delimiter: int | None, star: StarPlacement = "none"
) -> TargetLayout:
    """Concatenate the words' ids, with ``word_delimiter`` between words that have any, and stars.

    With ``star="words"`` a star follows each delimiter, so a skipped star leaves exactly the
    sequence the model was trained on (``w1 | w2``).
    """
    if star not in ("none", "edges", "words"):
        raise ValueError(f"star must be 'none', 'edges' or 'words', not {star!r}")
    targets: list[int] = []
    positions: list[list[int | None]] = []
    star_indices: list[int] = []

    def add_star() -> None:
        if not targets or targets[-1] != STAR:
            star_indices.append(len(targets))
            targets.append(STAR)

    if star != "none":
        add_star()
    any_word_yet = False
    for ids in unit_ids:
        word_positions: list[int | None] = []
        has_ids = any(i is not None for i in ids)
        if has_ids and any_word_yet:
            if word_delimiter is not None:
                targets.append(word_delimiter)
            if star == "words":
                add_star()
        for unit in ids:
            if unit is None:
                word_positions.append(None)
            else:
                word_positions.append(len(targets))
                targets.append(unit)
        any_word_yet = any_word_yet or has_ids
        positions.append(word_positions)
    if star != "none":
        add_star()
    return TargetLayout(targets=targets, positions=positions, star_indices=star_indices)
