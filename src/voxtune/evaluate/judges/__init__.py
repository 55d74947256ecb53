"""Judges: speech recognisers used to score what a model said (WER against the intended text).

Every judge offers ``transcribe(audio, sample_rate, language) -> str``; :class:`Judge` is that
interface, so metrics and the evaluate stage do not care which recogniser sits behind it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Judge(Protocol):
    """A speech recogniser: mono audio in, transcript out (``""`` for silence)."""

    name: str

    def transcribe(self, audio: np.ndarray, sample_rate: int, language: str | None = None) -> str:
        """Transcript of ``audio``; ``language``: ISO 639-1 code, or ``None`` for auto/default."""
        ...
