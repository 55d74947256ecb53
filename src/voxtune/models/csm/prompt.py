"""CSM text prompts: ``<bos>[speaker]text<eos>`` before each utterance's audio frames, as Sesame's
generator and the transformers chat template write them, with an optional ``<lang:xx>`` tag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from voxtune.text.languages import with_language_prefix


def turn_text(text: str, speaker: int, language: str | None = None, *, language_tag: bool = False) -> str:
    """The text of one turn as CSM reads it, e.g. ``[1]<lang:nb> Det regner i dag.``."""
    body = text.strip()
    if language_tag and language:
        body = with_language_prefix(body, language)
    return f"[{speaker}]{body}"


def assign_speaker_ids(
    speakers: Iterable[str | None], fixed: Mapping[str, int] | None = None
) -> dict[str, int]:
    """CSM speaker ids for corpus speakers: ``fixed`` ones kept, the rest numbered in sorted order
    after the largest fixed id (deterministic, so a resumed run and the adapter agree)."""
    ids = dict(fixed or {})
    next_id = max(ids.values(), default=-1) + 1
    for speaker in sorted({s for s in speakers if s} - set(ids)):
        ids[speaker] = next_id
        next_id += 1
    return ids


def speaker_id(speaker: str | None, ids: Mapping[str, int], default: int = 0) -> int:
    """The id of ``speaker``: from ``ids``, or the number itself for ``"3"``, else ``default``."""
    if speaker is None:
        return default
    if speaker in ids:
        return ids[speaker]
    if speaker.isdigit():
        return int(speaker)
    return default
