"""Checks that a transcript is written the way its language is: script, alphabet, length, rate.

Every check returns a list of TextProblem (empty when the text passes) with a short stable
``code`` for rejection ledgers and a ``reason`` naming the offending characters or the measured
value. Texts are compared in Unicode NFC, so a decomposed "é" counts as the letter é.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import regex

from voxtune.text.languages import canonical_language


@dataclass(frozen=True)
class TextProblem:
    """A reason to reject a transcript: stable ``code``, human ``reason``, measured ``details``."""

    code: str
    reason: str
    details: dict[str, object] = field(default_factory=dict)


# The script each language is written in, and scripts also accepted in its transcripts:
# Telugu speech often carries English words that transcribers write in Latin letters.
MAIN_SCRIPT: dict[str, str] = {"te": "Telugu"}
DEFAULT_SCRIPT = "Latin"
TOLERATED_SCRIPTS: dict[str, tuple[str, ...]] = {"te": ("Latin",)}

# Lowercase letters of each Latin-script language: its own alphabet plus letters its everyday
# writing takes from loanwords and names (café, idé, Müller). Letters outside both are flagged.
_BASIC_LATIN = "abcdefghijklmnopqrstuvwxyz"
ALPHABETS: dict[str, str] = {
    "en": _BASIC_LATIN,
    "ms": _BASIC_LATIN,
    "nb": _BASIC_LATIN + "æøå",
    "da": _BASIC_LATIN + "æøå",
    "sv": _BASIC_LATIN + "åäö",
    "de": _BASIC_LATIN + "äöüß",
    "fr": _BASIC_LATIN + "àâæçéèêëîïôœùûüÿ",
    "es": _BASIC_LATIN + "áéíóúüñ",
    "nl": _BASIC_LATIN + "áéíóúàèëïöüâêîôû",
    "lb": _BASIC_LATIN + "äëé",
}
LOAN_LETTERS: dict[str, str] = {
    "en": "àâäçéèêëîïñôöûüæœ",
    "ms": "é",
    "nb": "éèêóòôüäö",
    "da": "éüäö",
    "sv": "éàü",
    "de": "éèàçê",
    "fr": "äöñ",
    "es": "ç",
    "nl": "ç",
    "lb": "üöèêàçôûîïß",
}

# Letters (with combining marks) per second of audio, by script. Measured on espeak-ng's
# phonemization of sample sentences, languages here write 0.97 (Telugu) to 1.46 (French) letters
# per phoneme; speech rarely exceeds about 20 phonemes per second. The bounds are loose on
# purpose: they catch transcripts that belong to other audio or lost most of their words,
# not fast talkers. The lower bound only applies to clips of at least MIN_SECONDS_FOR_SLOW.
RATE_LIMITS: dict[str, tuple[float, float]] = {"Latin": (1.0, 30.0), "Telugu": (1.0, 25.0)}
MIN_SECONDS_FOR_SLOW = 2.0

# Scripts a character is looked up in, most likely first; anything else is "Other".
_SCRIPTS = (
    "Latin", "Telugu", "Cyrillic", "Greek", "Arabic", "Hebrew", "Devanagari", "Bengali",
    "Tamil", "Kannada", "Malayalam", "Gujarati", "Gurmukhi", "Oriya", "Sinhala", "Thai", "Lao",
    "Khmer", "Myanmar", "Han", "Hiragana", "Katakana", "Hangul", "Armenian", "Georgian",
    "Ethiopic", "Tibetan", "Common", "Inherited",
)  # fmt: skip
_SCRIPT_PATTERNS = tuple((name, regex.compile(rf"\p{{Script={name}}}")) for name in _SCRIPTS)
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Presentation}\u20e3\ufe0f]")
_JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: part of Indic spelling
_WHITESPACE_CONTROLS = frozenset("\t\n\r")


@cache
def char_script(char: str) -> str:
    """The Unicode script of a character (``Latin``, ``Telugu``, ``Common``, ``Inherited``...)."""
    for name, pattern in _SCRIPT_PATTERNS:
        if pattern.match(char):
            return name
    return "Other"


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def _show(chars: Iterable[str], limit: int = 10) -> str:
    """Characters for a reason: each once, marks on a dotted circle, invisibles as U+XXXX."""
    shown = []
    for char in dict.fromkeys(chars):
        category = unicodedata.category(char)
        if category[0] == "M":
            shown.append("◌" + char)
        elif category[0] in "CZ":
            shown.append(f"U+{ord(char):04X}")
        else:
            shown.append(char)
    more = len(shown) - limit
    return " ".join(shown[:limit]) + (f" (+{more} more)" if more > 0 else "")


def check_characters(text: str, language: str) -> list[TextProblem]:
    """Flag control characters, invisible format characters, emoji and invalid code points."""
    code = canonical_language(language)
    found: dict[str, list[str]] = {}
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cc" and char not in _WHITESPACE_CONTROLS:
            found.setdefault("control_chars", []).append(char)
        elif category == "Cf" and not (char in _JOINERS and code in MAIN_SCRIPT):
            found.setdefault("invisible_chars", []).append(char)
        elif category in ("Co", "Cn", "Cs") or char == "\ufffd":
            found.setdefault("invalid_chars", []).append(char)
        elif _EMOJI.match(char):
            found.setdefault("emoji", []).append(char)
    what = {
        "control_chars": "control characters",
        "invisible_chars": "invisible formatting characters",
        "invalid_chars": "private-use, unassigned or replacement characters",
        "emoji": "emoji",
    }
    return [
        TextProblem(problem, f"{len(chars)} {what[problem]}: {_show(chars)}", {"chars": chars})
        for problem, chars in found.items()
    ]


def check_script(
    text: str,
    language: str,
    *,
    min_main_fraction: float = 0.5,
    tolerated: Iterable[str] | None = None,
) -> list[TextProblem]:
    """Flag letters in scripts the language is not written in, and too few in its own script.

    ``foreign_script``: letters of a script neither main nor tolerated (Cyrillic in Norwegian).
    ``wrong_script``: less than ``min_main_fraction`` of the letters are in the main script
    (a Latin-only transcript in a Telugu corpus). ``tolerated`` overrides TOLERATED_SCRIPTS.
    """
    code = canonical_language(language)
    main = MAIN_SCRIPT.get(code, DEFAULT_SCRIPT)
    extra = TOLERATED_SCRIPTS.get(code, ()) if tolerated is None else tolerated
    allowed = {main, "Common", "Inherited", *extra}
    by_script: dict[str, list[str]] = {}
    for char in unicodedata.normalize("NFC", text):
        if _is_letter(char):
            by_script.setdefault(char_script(char), []).append(char)
    problems = []
    foreign = {name: chars for name, chars in by_script.items() if name not in allowed}
    if foreign:
        named = "; ".join(f"{name}: {_show(chars)}" for name, chars in foreign.items())
        count = sum(len(chars) for chars in foreign.values())
        problems.append(
            TextProblem(
                "foreign_script",
                f"{count} letters in scripts not used for {code} ({named})",
                {"scripts": {name: len(chars) for name, chars in foreign.items()}},
            )
        )
    scored = sum(len(c) for name, c in by_script.items() if name not in ("Common", "Inherited"))
    in_main = len(by_script.get(main, []))
    if scored and in_main / scored < min_main_fraction:
        problems.append(
            TextProblem(
                "wrong_script",
                f"only {in_main} of {scored} letters are {main} ({in_main / scored:.0%}); "
                f"{code} transcripts must be mostly in {main} script",
                {"main_script_fraction": in_main / scored},
            )
        )
    return problems


def check_alphabet(text: str, language: str, *, allow_digits: bool = True) -> list[TextProblem]:
    """Flag letters of the right script that the language's alphabet does not use.

    ``unexpected_letters``: e.g. ñ in Norwegian or ß in Swedish (loanword letters listed in
    LOAN_LETTERS are accepted); combining marks left over after NFC count as such letters.
    ``digits``: any digit, when ``allow_digits`` is False (numbers should be written as words).
    Telugu has no alphabet list: every Telugu-block letter is accepted.
    """
    code = canonical_language(language)
    problems = []
    alphabet = ALPHABETS.get(code)
    if alphabet is not None:
        accepted = set(alphabet) | set(LOAN_LETTERS.get(code, ""))
        unexpected = [
            char
            for char in unicodedata.normalize("NFC", text).lower()
            if _is_letter(char)
            and char_script(char) in (DEFAULT_SCRIPT, "Inherited")
            and char not in accepted
        ]
        if unexpected:
            problems.append(
                TextProblem(
                    "unexpected_letters",
                    f"{len(unexpected)} letters not in the {code} alphabet: {_show(unexpected)}",
                    {"chars": unexpected},
                )
            )
    digits = [char for char in text if unicodedata.category(char) == "Nd"]
    if digits and not allow_digits:
        problems.append(
            TextProblem(
                "digits",
                f"{len(digits)} digits ({_show(digits)}); numbers should be spelled out",
                {"chars": digits},
            )
        )
    return problems


def count_letters(text: str) -> int:
    """Letters and combining marks in ``text``: the unit of the length and rate checks."""
    return sum(1 for char in unicodedata.normalize("NFC", text) if _is_letter(char))


def check_length(text: str, *, min_letters: int = 2, min_words: int = 1) -> list[TextProblem]:
    """Flag transcripts with no letters (``empty``) or too few letters or words (``too_short``)."""
    letters = count_letters(text)
    words = len(regex.findall(r"[\p{L}\p{M}\p{N}]+", text))
    if letters == 0:
        return [TextProblem("empty", "the transcript has no letters", {"letters": 0})]
    if letters < min_letters or words < min_words:
        return [
            TextProblem(
                "too_short",
                f"{letters} letters in {words} words; at least {min_letters} letters and "
                f"{min_words} words required",
                {"letters": letters, "words": words},
            )
        ]
    return []


def check_rate(
    text: str,
    duration_s: float,
    language: str,
    *,
    limits: tuple[float, float] | None = None,
) -> list[TextProblem]:
    """Flag transcripts too long (``too_fast``) or too short (``too_slow``) for their audio.

    ``limits`` are (min, max) letters per second; the default comes from RATE_LIMITS for the
    language's script. ``too_slow`` is only judged on clips of MIN_SECONDS_FOR_SLOW or longer.
    """
    if duration_s <= 0:
        raise ValueError(f"duration must be positive, got {duration_s}")
    code = canonical_language(language)
    low, high = limits or RATE_LIMITS[MAIN_SCRIPT.get(code, DEFAULT_SCRIPT)]
    letters = count_letters(text)
    rate = letters / duration_s
    details = {"letters": letters, "duration_s": duration_s, "letters_per_s": rate}
    if rate > high:
        reason = f"{rate:.1f} letters/s ({letters} in {duration_s:.2f} s) is above {high:g}"
        return [TextProblem("too_fast", reason, details)]
    if rate < low and duration_s >= MIN_SECONDS_FOR_SLOW:
        reason = f"{rate:.2f} letters/s ({letters} in {duration_s:.2f} s) is below {low:g}"
        return [TextProblem("too_slow", reason, details)]
    return []


def check_transcript(
    text: str,
    language: str,
    *,
    duration_s: float | None = None,
    min_letters: int = 2,
    allow_digits: bool = True,
) -> list[TextProblem]:
    """All checks above for one transcript (the rate check only when ``duration_s`` is given)."""
    problems = check_length(text, min_letters=min_letters)
    if problems and problems[0].code == "empty":
        return problems + check_characters(text, language)
    problems += check_characters(text, language)
    problems += check_script(text, language)
    problems += check_alphabet(text, language, allow_digits=allow_digits)
    if duration_s is not None:
        problems += check_rate(text, duration_s, language)
    return problems


def unexpected_characters(texts: Iterable[str], language: str) -> Counter:
    """Character -> count over a corpus, for every character some check above would flag.

    A corpus-level coverage report: which characters need a normalisation rule or a rejection.
    """
    counts: Counter = Counter()
    for text in texts:
        for problem in check_characters(text, language) + check_alphabet(text, language):
            counts.update(problem.details.get("chars", []))
        code = canonical_language(language)
        main = MAIN_SCRIPT.get(code, DEFAULT_SCRIPT)
        allowed = {main, "Common", "Inherited", *TOLERATED_SCRIPTS.get(code, ())}
        counts.update(
            char
            for char in unicodedata.normalize("NFC", text)
            if _is_letter(char) and char_script(char) not in allowed
        )
    return counts
