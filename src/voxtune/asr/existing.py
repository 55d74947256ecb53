"""The "existing transcript" backend: keep the text, language and word timings a manifest brought."""

from __future__ import annotations

from lhotse import SupervisionSegment

from voxtune.asr.errors import TranscriptionError
from voxtune.asr.transcript import Transcript, Word
from voxtune.corpus import fields
from voxtune.text.languages import SUPPORTED_LANGUAGES, UnsupportedLanguageError, canonical_language


def item_language(code: str | None) -> str | None:
    """Our code for an item's language, or a TranscriptionError listing the supported ones."""
    if code is None or not str(code).strip():
        return None
    try:
        return canonical_language(str(code))
    except UnsupportedLanguageError:
        raise TranscriptionError(
            "unsupported_language",
            f"the item's language {code!r} is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}",
            language=str(code),
        ) from None


def existing_transcript(
    supervision: SupervisionSegment, *, origin: float = 0.0, default_language: str | None = None
) -> Transcript:
    """The supervision's own transcript, with word times relative to the supervision's start.

    Alignment times count from the recording's start (lhotse's clock); ``origin`` is where the cut
    holding the supervision starts on that clock.

    Raises ``empty_text`` (the code the text stages use for it) when the manifest gave no text or
    only whitespace.
    """
    text = (supervision.text or "").strip()
    if not text:
        raise TranscriptionError(
            "empty_text",
            "the manifest gives no text for this item (backend whisper with keep_existing: true "
            "transcribes just the items without text)",
        )
    offset = origin + supervision.start
    words = tuple(
        Word(item.symbol, round(item.start - offset, 3), round(item.end - offset, 3), item.score)
        for item in (supervision.alignment or {}).get(fields.WORD_ALIGNMENT, [])
    )
    return Transcript(
        text=text,
        language=item_language(supervision.language) or default_language,
        language_probability=None,
        words=words,
    )
