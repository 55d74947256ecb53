"""What exporters read off a cut: its text, speaker and language, word timings, split, a file name.

Word timings follow lhotse's convention: an ``AlignmentItem``'s start is relative to the *recording*,
while a supervision's start is relative to the cut (lhotse PR #1193), so a cut that starts inside a
longer recording has its words shifted by ``cut.start`` here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from lhotse import SupervisionSegment
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem

from voxtune.corpus import fields
from voxtune.errors import ItemError

DEFAULT_SPLIT = "train"


@dataclass(frozen=True)
class ItemText:
    """The transcript of a single-speaker item, in spoken form (``text``) and as it came in."""

    text: str
    original: str
    speaker: str | None
    language: str | None


def supervisions_in_order(cut: Cut) -> list[SupervisionSegment]:
    return sorted(cut.supervisions, key=lambda sup: (sup.start, sup.id))


def item_text(cut: Cut) -> ItemText:
    """Text, original text, speaker and language of a one-speaker item.

    Several supervisions are joined in time order. No text is ``no_text``; an item whose supervisions
    name different speakers is ``several_speakers`` (per-item formats have one speaker per line).
    """
    sups = [sup for sup in supervisions_in_order(cut) if sup.text and sup.text.strip()]
    if not sups:
        raise ItemError("no_text", "the item has no transcript; transcribe it or drop it before export")
    speakers = {sup.speaker for sup in sups if sup.speaker}
    if len(speakers) > 1:
        raise ItemError(
            "several_speakers",
            f"the item holds {len(speakers)} speakers ({', '.join(sorted(speakers))}); per-item formats "
            "take one speaker per item, so segment it per speaker first",
        )
    text = " ".join(sup.text.strip() for sup in sups)
    original = " ".join(str((sup.custom or {}).get(fields.TEXT_ORIGINAL) or sup.text).strip() for sup in sups)
    language = next((sup.language for sup in sups if sup.language), None)
    return ItemText(text=text, original=original, speaker=next(iter(speakers), None), language=language)


def cut_words(cut: Cut, sup: SupervisionSegment) -> list[tuple[str, float, float]]:
    """``(word, start, end)`` of a supervision's word alignment in seconds from the cut's start.

    Words wholly outside the cut are dropped and words crossing its edges are clipped to it.
    """
    items: list[AlignmentItem] = (sup.alignment or {}).get(fields.WORD_ALIGNMENT) or []
    words: list[tuple[str, float, float]] = []
    for item in items:
        start = item.start - cut.start
        end = start + item.duration
        if end <= 0.0 or start >= cut.duration:
            continue
        words.append((item.symbol, max(0.0, start), min(cut.duration, end)))
    return words


def has_word_alignment(sup: SupervisionSegment) -> bool:
    return bool((sup.alignment or {}).get(fields.WORD_ALIGNMENT))


def split_of(cut: Cut) -> str:
    """The cut's split, ``train`` when the corpus has no splits."""
    return str((cut.custom or {}).get(fields.SPLIT) or DEFAULT_SPLIT)


def speaker_of(cut: Cut) -> str | None:
    """The one speaker a cut's supervisions name, or None; several speakers are an ItemError."""
    speakers = {sup.speaker for sup in cut.supervisions if sup.speaker}
    if len(speakers) > 1:
        raise ItemError(
            "several_speakers",
            f"the item holds {len(speakers)} speakers ({', '.join(sorted(speakers))})",
        )
    return next(iter(speakers), None)


def speaker_index(speakers: set[str | None]) -> dict[str | None, int]:
    """Integer ids for speaker names (sorted, so the same corpus always gives the same ids)."""
    return {name: index for index, name in enumerate(sorted(speakers, key=lambda s: (s is None, s or "")))}


_UNSAFE = re.compile(r"[\x00-\x1f\x7f|\\]")


def export_name(cut_id: str) -> str:
    """A relative file name (without suffix) for an item: its id, which may hold folders.

    Ids that cannot be a safe relative path (absolute, ``..``, empty parts, control characters, the
    ``|`` list delimiter or backslashes) are an ItemError rather than silently renamed, so ids stay
    the same across a round trip.
    """
    path = PurePosixPath(cut_id)
    parts = cut_id.split("/")
    if (
        not cut_id
        or _UNSAFE.search(cut_id)
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ItemError(
            "unsafe_id",
            f"the id {cut_id!r} cannot be used as a file name in an export (no '|', '\\', '..', empty "
            "or absolute parts, control characters)",
        )
    return cut_id


def single_line(text: str, what: str, delimiter: str = "|") -> str:
    """Text that goes into a delimited list file: no delimiter and no line breaks allowed."""
    if delimiter in text or "\n" in text or "\r" in text:
        raise ItemError(
            "delimiter_in_text",
            f"the {what} holds a line break or the '{delimiter}' column delimiter, which would break "
            f"the list file: {text[:60]!r}",
        )
    return text
