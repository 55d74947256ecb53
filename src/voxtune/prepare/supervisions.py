"""What text stages share: finding each supervision's text and language, updating its custom fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lhotse import SupervisionSegment
from lhotse.cut import Cut

from voxtune.errors import ItemError
from voxtune.text.languages import UnsupportedLanguageError, canonical_language


def transcribed(cut: Cut) -> Iterator[SupervisionSegment]:
    """Every supervision of the cut; an item without any text is rejected (nothing to work on)."""
    if not cut.supervisions:
        raise ItemError("missing_transcript", "the item has no supervision, so no transcript")
    for supervision in cut.supervisions:
        if supervision.text is None or not supervision.text.strip():
            raise ItemError(
                "empty_text",
                "the transcript is empty; transcribe the item or fix the manifest's text column",
            )
        yield supervision


def language_of(supervision: SupervisionSegment, default: str | None = None) -> str:
    """The supervision's language as a supported code, else the stage default, else a rejection."""
    code = supervision.language or default
    if code is None:
        raise ItemError(
            "missing_language", "the item names no language; set 'language' in the ingest or this stage"
        )
    try:
        return canonical_language(code)
    except UnsupportedLanguageError as exc:
        raise ItemError("unsupported_language", str(exc)) from None


def update_custom(supervision: SupervisionSegment, **values: Any) -> None:
    """Set custom fields on a copy of the dict (segments cut from one item share the original)."""
    supervision.custom = {**(supervision.custom or {}), **values}
