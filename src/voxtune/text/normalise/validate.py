"""The final check: is a text fully in spoken form for its language (no digits, no unread symbols)?"""

from __future__ import annotations

import unicodedata

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages import get_language

SPOKEN_PUNCTUATION = frozenset(".,;:!?'\"()-…’‘“”")
"""Punctuation every language may keep in spoken text (it shapes prosody, it is not read out)."""
JOINERS = frozenset("\u200c\u200d")


def validate_spoken(text: str, language: str) -> list[str]:
    """Problems that keep ``text`` from being spoken form in ``language``; empty when it is fine.

    Reported: digits of any script, symbols (currency signs, %, @, emoji ...), punctuation the
    language does not use, and control or formatting characters. Letters of any script pass: which
    scripts a corpus may contain is a separate check.
    """
    lang = get_language(language)
    allowed = SPOKEN_PUNCTUATION | frozenset(lang.extra_punctuation)
    found: dict[str, dict[str, int]] = {"digits": {}, "symbols": {}, "control characters": {}}
    for position, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category[0] == "N":
            group = "digits"
        elif category[0] == "S" or (category[0] == "P" and ch not in allowed):
            group = "symbols"
        elif category[0] == "C" and ch not in JOINERS:
            group = "control characters"
        else:
            continue
        found[group].setdefault(ch, position)
    problems = []
    for group, chars in found.items():
        if chars:
            listed = ", ".join(_show(ch) for ch in chars)
            first = min(chars.values())
            problems.append(f"{group} not spoken in {lang.name}: {listed} (first at character {first})")
    return problems


def ensure_spoken(text: str, language: str) -> None:
    """Raise ``NormaliseError`` (code ``unspoken_characters``) when :func:`validate_spoken` finds problems."""
    problems = validate_spoken(text, language)
    if problems:
        raise NormaliseError("unspoken_characters", "; ".join(problems), problems=problems)


def _show(ch: str) -> str:
    return f"U+{ord(ch):04X}" if unicodedata.category(ch)[0] == "C" else repr(ch)
