"""Built-in prepare stages, one module each; importing this package registers them all."""

from voxtune.prepare.stages import (
    align,
    emotion,
    ingest,
    language_tags,
    normalise,
    phonemise,
    quality,
    segment,
    speakers,
    split,
    standardise,
    transcribe,
    validate_text,
)

__all__ = [
    "align",
    "emotion",
    "ingest",
    "language_tags",
    "normalise",
    "phonemise",
    "quality",
    "segment",
    "speakers",
    "split",
    "standardise",
    "transcribe",
    "validate_text",
]
