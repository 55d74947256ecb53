"""Unicode cleanup before tokenising: NFC, whitespace, invisible characters, emoji, typographic marks.

Every cleaned character remembers which characters of the original it came from, so spans found in
the cleaned text map back to the original text exactly.

What happens to what (and why it is safe):
- Text is NFC-normalised one grapheme cluster at a time (so a cluster's span stays known).
- Any Unicode space, tab, newline or line separator becomes one space each.
- Invisible formatting that never changes what is said is removed: zero-width space, word joiner,
  byte-order mark, soft hyphen, left-to-right/right-to-left marks and bidi embeddings. Zero-width
  (non-)joiners are kept between letters (they shape Indic scripts such as Telugu) and removed
  elsewhere.
- Any other control or formatting character, private-use or unassigned code point raises
  ``NormaliseError`` (``control_character``/``invalid_character``): it usually means a broken
  encoding, and the transcript should not be trusted.
- Emoji (pictographs from U+2190 up, flags, keycaps, with their modifiers) raise ``emoji`` by default,
  because a transcript with emoji often annotates non-speech; with ``strip_emoji=True`` each emoji
  becomes a space instead.
- Em dashes, horizontal bars and runs of two or more hyphens become spaces (a pause, not a word);
  single hyphens and en dashes stay for the tokeniser (words like "kanak-kanak", ranges "10–20").
- A typographic apostrophe (’ or ʼ) between letters becomes "'" ("don’t" -> "don't").
- Telugu digits ౦-౯ become ASCII digits when the language is Telugu.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from voxtune.text.normalise.errors import NormaliseError

REMOVED_FORMATTING = frozenset(
    "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
JOINERS = frozenset("\u200c\u200d")
WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
SPACE_DASHES = frozenset("\u2014\u2015\u2e3a\u2e3b")  # em dash, horizontal bar, two/three-em dashes
APOSTROPHES = frozenset("\u2019\u02bc")
TELUGU_DIGITS = {chr(0x0C66 + d): str(d) for d in range(10)}
_GRAPHEME = regex.compile(r"\X")
_NEEDS_CLEANING = regex.compile(
    r"[^\P{Zs} ]|[\p{C}\p{Zl}\p{Zp}\u2014\u2015\u2e3a\u2e3b\u2019\u02bc\u0c66-\u0c6f\u20e3]"
    r"|[\p{Extended_Pictographic}\p{Regional_Indicator}]|--"
)
"""Anything any cleanup rule touches; text without it (and already NFC) passes through unchanged."""
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus, per cleaned character, the span of original characters it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that cleaned characters ``start:end`` (end exclusive, non-empty) came from."""
        return self.starts[start], self.ends[end - 1]


def is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster is an emoji (not ©, ®, ™ and other older symbols below U+2190)."""
    return any(ord(ch) >= 0x2190 or ch == "\u20e3" for ch in _EMOJI.findall(cluster))


def clean_text(text: str, language: str, *, strip_emoji: bool = False) -> Cleaned:
    """Clean ``text`` for tokenising (see the module docstring for every rule)."""
    if unicodedata.is_normalized("NFC", text) and not _NEEDS_CLEANING.search(text):
        return Cleaned(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, start: int, end: int) -> None:
        for ch in chars:
            out.append(ch)
            starts.append(start)
            ends.append(end)

    for match in _GRAPHEME.finditer(text):
        cluster, start, end = match.group(), match.start(), match.end()
        if is_emoji(cluster):
            if not strip_emoji:
                raise NormaliseError(
                    "emoji", f"emoji {cluster!r} at character {start}", character=cluster, position=start
                )
            emit(" ", start, end)
            continue
        kept = []
        for offset, ch in enumerate(cluster):
            kind = _classify(ch, start + offset)
            if kind == "space":
                if kept:  # a cluster never holds spaces in the middle, but keep order if it does
                    emit(unicodedata.normalize("NFC", "".join(kept)), start, start + offset)
                    kept = []
                emit(" ", start + offset, start + offset + 1)
            elif kind == "keep" or (kind == "joiner" and kept and _is_letter(kept[-1])):
                kept.append(ch)
        if kept:
            emit(_map_characters(unicodedata.normalize("NFC", "".join(kept)), language), start, end)

    cleaned = "".join(out)
    cleaned = _fix_apostrophes(_space_dash_runs(cleaned))
    return Cleaned(cleaned, tuple(starts), tuple(ends))


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _classify(ch: str, position: int) -> str:
    """``keep``, ``space``, ``drop`` or ``joiner`` for one character; raises for broken text."""
    if ch in WHITESPACE_CONTROLS or ch in "\u2028\u2029":
        return "space"
    category = unicodedata.category(ch)
    if category == "Zs":
        return "space"
    if ch in REMOVED_FORMATTING:
        return "drop"
    if ch in JOINERS:
        return "joiner"
    if category in ("Cc", "Cf"):
        raise NormaliseError(
            "control_character",
            f"invisible control character U+{ord(ch):04X} at character {position}",
            character=f"U+{ord(ch):04X}",
            position=position,
        )
    if category in ("Co", "Cn", "Cs"):
        raise NormaliseError(
            "invalid_character",
            f"private-use or unassigned character U+{ord(ch):04X} at character {position}",
            character=f"U+{ord(ch):04X}",
            position=position,
        )
    return "keep"


def _map_characters(chars: str, language: str) -> str:
    mapped = "".join(" " if ch in SPACE_DASHES else ch for ch in chars)
    if language == "te":
        mapped = "".join(TELUGU_DIGITS.get(ch, ch) for ch in mapped)
    return mapped


def _space_dash_runs(text: str) -> str:
    """Turn runs of two or more hyphens into spaces, keeping the length."""
    return regex.sub(r"-{2,}", lambda m: " " * len(m.group()), text)


def _fix_apostrophes(text: str) -> str:
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in APOSTROPHES and 0 < i < len(chars) - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha():
            chars[i] = "'"
    return "".join(chars)
