"""Tokeniser: whitespace chunks with their spans, split into leading punctuation, core, trailing punctuation.

Punctuation that shapes speech (. , ; : ! ? quotes, brackets) is kept and later glued to the
neighbouring spoken word; artefacts (dashes at word edges, bullets, asterisks, underscores, pipes,
tildes, stray hashes) are dropped. Repeated marks collapse ("!!!" -> "!", "...." -> "...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENING = frozenset("([{\"'«„“‘‹¿¡")
CLOSING = frozenset(")]}\"'»”’›")
SENTENCE = frozenset(".,;:!?…")
ARTEFACTS = frozenset("*_•·‣◦#~|^`\\-–−")
SENTENCE_END = frozenset(".!?…")
KEPT_CLOSING = CLOSING | SENTENCE
_WHITESPACE_CHUNK = re.compile(r"\S+")
_ELLIPSIS = re.compile(r"\.{3,}")
_DOUBLE_DOT = re.compile(r"(?<!\.)\.\.(?!\.)")
_REPEATED_MARK = re.compile(r"([!?,;:…])\1+")


@dataclass(frozen=True)
class Chunk:
    """One whitespace-separated chunk of the cleaned text.

    ``start``/``end`` span the whole chunk; ``lead + core + trail == text``.
    """

    start: int
    end: int
    lead: str
    core: str
    trail: str

    @property
    def text(self) -> str:
        return self.lead + self.core + self.trail

    @property
    def core_start(self) -> int:
        return self.start + len(self.lead)

    @property
    def core_end(self) -> int:
        return self.end - len(self.trail)

    @property
    def ends_sentence(self) -> bool:
        return bool(self.trail) and any(ch in SENTENCE_END for ch in self.trail)


def split_chunks(text: str) -> list[Chunk]:
    """Whitespace-separated chunks of ``text``, each split into lead, core and trail."""
    chunks = []
    for match in _WHITESPACE_CHUNK.finditer(text):
        lead, core, trail = split_edges(match.group())
        chunks.append(Chunk(match.start(), match.end(), lead, core, trail))
    return chunks


def split_edges(chunk: str) -> tuple[str, str, str]:
    """Split punctuation and artefacts off both ends of a chunk, leaving signs that belong to a number."""
    start = 0
    while start < len(chunk) and _is_edge(chunk, start, leading=True):
        start += 1
    end = len(chunk)
    while end > start and _is_edge(chunk, end - 1, leading=False):
        end -= 1
    lead, core, trail = chunk[:start], chunk[start:end], chunk[end:]
    if lead.endswith("(") and ")" in core:  # "(03)2123-4567": the bracket belongs to the number
        lead, core = lead[:-1], "(" + core
    return lead, core, trail


def _is_edge(chunk: str, i: int, leading: bool) -> bool:
    ch = chunk[i]
    if leading:
        following = chunk[i + 1 : i + 2]
        if ch in "-−#" and following.isdigit():  # minus sign, number sign
            return False
        return ch in OPENING or ch in ARTEFACTS
    return ch in CLOSING or ch in SENTENCE or ch in ARTEFACTS


def kept_punctuation(marks: str, opening: bool) -> str:
    """The punctuation worth keeping from a chunk edge, with artefacts dropped and repeats collapsed."""
    allowed = OPENING if opening else KEPT_CLOSING
    kept = "".join(ch for ch in marks if ch in allowed)
    if len(kept) < 2:
        return kept
    kept = _ELLIPSIS.sub("...", kept)
    kept = _DOUBLE_DOT.sub(".", kept)
    return _REPEATED_MARK.sub(r"\1", kept)
