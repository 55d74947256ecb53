"""The per-item error transcription raises, so the pipeline can ledger the item and go on."""

from __future__ import annotations

from voxtune.errors import ItemError


class TranscriptionError(ItemError):
    """One item has no usable transcript.

    Codes: ``no_speech`` (silence, by energy or by Whisper's no-speech probability),
    ``empty_transcript`` (the recogniser heard no words), ``empty_text`` (the manifest brought
    none), ``low_language_probability``,
    ``hallucination_repeat``, ``text_too_long``, ``text_over_silence``, ``unsupported_language``;
    ``details`` holds the measured values.
    """
