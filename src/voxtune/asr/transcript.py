"""What a transcriber returns, and the interface every ASR backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Word:
    """One recognised word with its time span in seconds from the start of the audio given."""

    text: str
    start: float
    end: float
    probability: float | None = None
    """The recogniser's confidence in the word, where the backend gives one (faster-whisper does)."""


@dataclass(frozen=True)
class Transcript:
    """The text a transcriber heard, in which language and how sure it was, with word timings."""

    text: str
    language: str | None
    """Our language code (``nb``, not Whisper's ``no``), or the backend's code for a language we lack."""
    language_probability: float | None
    """Probability of ``language`` from the language-ID head, in [0, 1]; None when not measured."""
    words: tuple[Word, ...] = ()
    no_speech_probability: float | None = None
    """Whisper's probability that the first 30 s hold no speech, where measured."""


class Transcriber(ABC):
    """Speech to text with word timings; backends take any sample rate and resample themselves.

    ``language`` forces a language (our code, e.g. ``nb``); None lets the backend detect it.
    """

    @abstractmethod
    def transcribe_batch(
        self,
        audios: Sequence[np.ndarray],
        sample_rate: int,
        languages: Sequence[str | None] | None = None,
    ) -> list[Transcript]:
        """Transcribe several mono clips at once (batched on the model where the backend can)."""

    def transcribe(self, audio: np.ndarray, sample_rate: int, language: str | None = None) -> Transcript:
        """Transcribe one mono clip."""
        return self.transcribe_batch([audio], sample_rate, [language])[0]
