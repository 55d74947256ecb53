"""Built-in prepare stages, one module each; importing this package registers them all."""

from voxtune.prepare.stages import (
    align,
    ingest,
    language_tags,
    normalise,
    phonemise,
    quality,
    segment,
    speakers,
    split,
    standardise,
    validate_text,
)

__all__ = [
    "align",
    "ingest",
    "language_tags",
    "normalise",
    "phonemise",
    "quality",
    "segment",
    "speakers",
    "split",
    "standardise",
    "validate_text",
]
