"""Phoneme symbols in espeak-ng's IPA: cutting words into symbols, ties, stress, counting."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

STRESS_MARKS = frozenset("ˈˌ")
TIE = "\u0361"  # COMBINING DOUBLE INVERTED BREVE: espeak's tie between letters of one phoneme
_MODIFIER_CATEGORIES = frozenset({"Mn", "Me", "Lm", "Sk"})


def _is_modifier(char: str) -> bool:
    """Length marks, aspiration, nasalisation: diacritics belonging to the symbol before."""
    return char not in STRESS_MARKS and unicodedata.category(char) in _MODIFIER_CATEGORIES


def split_phonemes(tied: str) -> list[str]:
    """Cut espeak IPA written with tie bars (``t͡sˈa͡ɪt``) into symbols (``ts ˈ aɪ t``).

    Letters joined by a tie form one symbol, diacritics and length marks stay with the symbol they
    follow, stress marks are symbols of their own, a space is kept as a symbol. Ties are dropped.
    """
    symbols: list[str] = []
    join_next = False
    for char in tied:
        attachable = bool(symbols) and symbols[-1] not in STRESS_MARKS and symbols[-1] != " "
        if char == TIE:
            join_next = attachable
        elif char in STRESS_MARKS or char == " ":
            symbols.append(char)
            join_next = False
        elif attachable and (join_next or _is_modifier(char)):
            symbols[-1] += char
            join_next = False
        else:
            symbols.append(char)
            join_next = False
    return symbols


def tie_symbols(symbols: Iterable[str], tie: str = TIE) -> str:
    """Write symbols back the way espeak writes them with ties: a tie before every later letter."""
    parts = []
    for symbol in symbols:
        if len(symbol) > 1:
            symbol = symbol[0] + "".join(char if _is_modifier(char) else tie + char for char in symbol[1:])
        parts.append(symbol)
    return "".join(parts)


def plain(symbols: Iterable[str]) -> str:
    """The symbols as one string without stress marks or spaces, for comparing pronunciations."""
    return "".join(s for s in symbols if s not in STRESS_MARKS and s != " ")


def count_stress(symbols: Iterable[str]) -> int:
    """How many stress marks (primary and secondary) a symbol sequence holds."""
    return sum(1 for s in symbols if s in STRESS_MARKS)


def count_symbols(sequences: Iterable[Iterable[str]], *, include_stress: bool = False) -> Counter:
    """Symbol -> count over many sequences; spaces never count, stress marks on request."""
    counts: Counter = Counter()
    for sequence in sequences:
        for symbol in sequence:
            if symbol == " " or (symbol in STRESS_MARKS and not include_stress):
                continue
            counts[symbol] += 1
    return counts
