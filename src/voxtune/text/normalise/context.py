"""Context detection: the words around a number decide whether it is an identifier, a year, a time ...

All decisions read the :class:`Context` built from neighbouring chunks and the language's keyword
tables; nothing here knows number words.
"""

from __future__ import annotations

from voxtune.text.normalise.languages.base import Context, Language
from voxtune.text.normalise.tokens import Chunk

WINDOW = 4
"""Words looked at before a number (keywords count up to three words back)."""
KEYWORD_REACH = 3


def build_context(chunks: list[Chunk], first: int, last: int, language: Language) -> Context:
    """The context of the number spanning ``chunks[first:last + 1]``."""
    previous: list[str] = []
    k = first - 1
    while k >= 0 and len(previous) < WINDOW:
        chunk = chunks[k]
        if chunk.ends_sentence and not is_abbreviation(chunk, language):
            break
        if chunk.core:
            previous.append(chunk.core.lower())
        k -= 1
    following = chunks[last + 1] if last + 1 < len(chunks) else None
    next_word = None
    if (
        following is not None
        and not chunks[last].trail
        and not following.lead
        and following.core[:1].isalpha()
    ):
        next_word = following.core
    before = chunks[first - 1] if first > 0 else None
    after_capitalised = before is not None and before.core[:1].isupper() and not before.ends_sentence
    return Context(
        previous=tuple(previous),
        next_word=next_word,
        next_is_month=following is not None and following.core.lower() in language.months,
        previous_is_month=bool(previous) and previous[0] in language.months,
        after_capitalised=after_capitalised,
    )


def is_abbreviation(chunk: Chunk, language: Language) -> bool:
    """Whether a chunk's final dot belongs to an abbreviation ("Nr.", "kl.", "Rs.") rather than a sentence."""
    with_dot = chunk.core + "."
    return (
        with_dot.lower() in language.number_abbreviations
        or with_dot in language.currency_symbols
        or with_dot.lower() in language.scale_words
    )


def is_keyword(word: str, language: Language, distance: int) -> bool:
    """Whether ``word`` (lower-case), ``distance`` words before a number, marks it as an identifier.

    An elided article in front (fr/lb ``l'``, ``d'``) does not hide the keyword behind it.
    """
    word = word.replace("’", "'").rsplit("'", 1)[-1]
    if distance == 0 and word in language.weak_id_keywords:
        return True
    if word in language.id_keywords:
        return True
    if any(word.endswith(end) and len(word) > len(end) for end in language.id_keyword_suffixes):
        return True
    return any(word.startswith(start) for start in language.id_keyword_prefixes)


def is_identifier_context(context: Context, language: Language) -> bool:
    """A keyword (order, code, phone ...) within three words before, with no number in between."""
    for distance, word in enumerate(context.previous[:KEYWORD_REACH]):
        if any(ch.isdigit() for ch in word):
            return False
        if is_keyword(word.rstrip(":#"), language, distance):
            return True
    return False


def is_year_context(context: Context, language: Language) -> bool:
    """A year cue ("in", "since") or a month right before, or "October 3, 1990"."""
    if not context.previous:
        return False
    before = context.previous[0]
    if before in language.year_cues or before in language.months:
        return True
    return (
        before.isdigit()
        and 1 <= int(before) <= 31
        and len(context.previous) > 1
        and context.previous[1] in language.months
    )


def is_clock_context(context: Context, language: Language) -> bool:
    """A time cue right before ("at", "um", "kl.") or a time word right after ("Uhr", "pagi", "pm")."""
    before = context.previous[0].rstrip(".") if context.previous else ""
    after = (context.next_word or "").lower()
    return (
        before in language.time_cues
        or after in language.time_words_after
        or after in language.time_markers_after
        or after.replace(".", "") in language.am_pm
    )
