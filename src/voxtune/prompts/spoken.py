"""The spoken form of a prompt or a text line: what a speaker or a voice actually says.

Normalisation belongs to ``voxtune.text.normalise``; when that module is installed every text goes
through its ``normalise(text, language).text``. Without it, a small reader covers what prompts need:
identifiers (5+ digits, or digit groups joined by spaces, hyphens or brackets, as in phone numbers)
and single digits are read digit by digit with the digit-name tables, and any other number is refused
rather than guessed (``25`` may be a quantity, a year or a code). Either way the result is checked
for characters nobody can say.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Callable

from voxtune.errors import ItemError
from voxtune.prompts.digit_names import DIGIT_NAMES, digit_words
from voxtune.text.languages import canonical_language

SPOKEN_PUNCTUATION = frozenset(".,;:!?'\"()-…’‘“”«»„‚‹›¿¡।")
"""Punctuation a spoken-form text may keep: it shapes prosody and is not read out."""
_JOINERS = frozenset("\u200c\u200d")
_NUMBER_RUN = re.compile(r"\+?\(?\d+\)?(?:[ \-–]\(?\d+\)?)*")
MIN_IDENTIFIER_DIGITS = 5

Normaliser = Callable[[str, str], str]
"""``(text, language) -> spoken text``; raises ItemError when the text cannot be said."""


def spoken_form(text: str, language: str) -> str:
    """``text`` as it is said in ``language``, through the shared normaliser when it is installed.

    Raises ItemError (``empty_text``, ``unsupported_number_format``, ``unspoken_characters``, or the
    normaliser's own codes) when the text cannot be put in spoken form.
    """
    code = canonical_language(language)
    normalise = shared_normaliser()
    spoken = normalise(text, code) if normalise is not None else read_digits_aloud(text, code)
    spoken = " ".join(spoken.split())
    if not any(ch.isalpha() for ch in spoken):
        raise ItemError("empty_text", "the line holds no words to say", text=text)
    check_speakable(spoken)
    return spoken


@functools.cache
def shared_normaliser() -> Normaliser | None:
    """``voxtune.text.normalise.normalise`` as a ``(text, language) -> str`` function, if installed."""
    try:
        module = importlib.import_module("voxtune.text.normalise")
    except ModuleNotFoundError as exc:
        if exc.name not in ("voxtune.text.normalise", "voxtune.text"):
            raise
        return None
    return lambda text, language: module.normalise(text, language).text


def read_digits_aloud(text: str, language: str) -> str:
    """The stand-in reader: identifiers and single digits become digit names, other numbers are refused."""
    code = canonical_language(language)
    if code not in DIGIT_NAMES:
        raise ItemError("unsupported_language", f"no digit names for language '{code}'")
    pieces: list[str] = []
    position = 0
    for match in _NUMBER_RUN.finditer(text):
        start, end = _without_unpaired_brackets(match)
        pieces.append(text[position:start])
        pieces.append(_read_number(text, start, end, code))
        position = end
    pieces.append(text[position:])
    return " ".join("".join(pieces).split())


def _without_unpaired_brackets(match: re.Match[str]) -> tuple[int, int]:
    """The run's span minus a bracket that belongs to the sentence, not the number: ``(call 5551234)``."""
    start, end = match.span()
    run = match.group()
    if run.endswith(")") and run.count(")") > run.count("("):
        end -= 1
    if run.startswith("(") and run.count("(") > run.count(")"):
        start += 1
    return start, end


def _read_number(text: str, start: int, end: int, language: str) -> str:
    run = text[start:end]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    after_next = text[end + 1] if end + 1 < len(text) else ""
    digits = [ch for ch in run if ch.isdecimal()]
    grouped = any(not ch.isdecimal() for ch in run.strip("()"))
    if run.startswith("+"):
        problem = "an international prefix"
    elif before.isalnum() or after.isalnum():
        problem = "a number glued to letters"
    elif after in ".,:/" and after_next.isdecimal():
        problem = "a decimal, grouped or dated number"
    elif len(digits) == 1 or len(digits) >= MIN_IDENTIFIER_DIGITS or grouped:
        return " ".join(digit_words(run, language))
    else:
        problem = "a short number that may be a quantity, a year or a code"
    raise ItemError(
        "unsupported_number_format",
        f"'{run}' is {problem}; only identifiers and single digits are read without the full "
        "normaliser (voxtune.text.normalise): write the number in words",
        number=run,
        position=start,
    )


def unspoken_characters(text: str) -> list[str]:
    """Characters of ``text`` nobody can say: digits, symbols, odd punctuation, control characters."""
    bad: dict[str, None] = {}
    for ch in text:
        category = unicodedata.category(ch)
        if (
            category[0] in "NS"
            or (category[0] == "P" and ch not in SPOKEN_PUNCTUATION)
            or (category[0] == "C" and ch not in _JOINERS)
        ):
            bad[ch] = None
    return list(bad)


def check_speakable(text: str) -> None:
    """Raise ItemError ``unspoken_characters`` naming what is left unread in a spoken-form text."""
    bad = unspoken_characters(text)
    if bad:
        shown = ", ".join(
            f"U+{ord(ch):04X}" if unicodedata.category(ch)[0] == "C" else repr(ch) for ch in bad
        )
        raise ItemError(
            "unspoken_characters",
            f"the text still holds characters nobody can say: {shown}; write them out in words",
            characters=bad,
        )
