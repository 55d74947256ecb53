"""Offline English judge with CMU PocketSphinx (its en-US model ships inside the package).

Two modes: ``"language_model"`` (the bundled general English trigram model) and ``"digits"``, a JSGF
grammar that only accepts sequences of "zero" .. "nine" and "oh", for scoring digit strings. A
grammar cannot hallucinate other words, so in ``digits`` mode the judge measures how recognisable
the digits are rather than how well a general recogniser copes. The model is 16 kHz wideband;
telephone-band audio (8 kHz) is upsampled but recognised worse.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from voxtune.audio.levels import peak_dbfs
from voxtune.errors import ConfigError
from voxtune.evaluate.audio import SILENCE_PEAK_DBFS, prepare_audio

SAMPLE_RATE = 16000
DIGIT_WORDS = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
DIGIT_GRAMMAR = (
    f"#JSGF V1.0;\ngrammar digits;\npublic <digits> = <digit>+;\n<digit> = {' | '.join(DIGIT_WORDS)};\n"
)
_ENGLISH = {None, "en", "eng", "english"}

Mode = Literal["language_model", "digits"]


class PocketsphinxJudge:
    """PocketSphinx recogniser; English only."""

    sample_rate = SAMPLE_RATE

    def __init__(self, mode: Mode = "language_model", *, grammar: str | None = None):
        """``grammar`` (JSGF text) replaces the digit grammar in ``digits`` mode."""
        import pocketsphinx

        if mode not in ("language_model", "digits"):
            raise ConfigError(
                f"unknown pocketsphinx judge mode {mode!r}", hint="use language_model or digits"
            )
        self.mode = mode
        self.name = f"pocketsphinx-{mode}"
        self._decoder = pocketsphinx.Decoder(loglevel="FATAL")
        if mode == "digits":
            self._decoder.add_jsgf_string("digits", grammar or DIGIT_GRAMMAR)
            self._decoder.activate_search("digits")

    def transcribe(self, audio: np.ndarray, sample_rate: int, language: str | None = None) -> str:
        """Lowercase transcript; ``""`` for empty or silent audio (peak below -60 dBFS)."""
        if language is not None and language.lower() not in _ENGLISH:
            raise ConfigError(
                f"the pocketsphinx judge only recognises English, not {language!r}",
                hint="use the Whisper judge for other languages",
            )
        if np.asarray(audio).size == 0:
            return ""
        prepared = prepare_audio(audio, sample_rate, target_rate=SAMPLE_RATE, allow_silent=True)
        if peak_dbfs(prepared.samples) < SILENCE_PEAK_DBFS:
            return ""
        pcm = (np.clip(prepared.samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        self._decoder.start_utt()
        self._decoder.process_raw(pcm, full_utt=True)
        self._decoder.end_utt()
        hypothesis = self._decoder.hyp()
        return hypothesis.hypstr.strip().lower() if hypothesis is not None else ""


def digits_to_words(digits: str) -> str:
    """``"4071"`` -> ``"four zero seven one"`` (reference text for digit-string scoring)."""
    names = DIGIT_WORDS[:1] + DIGIT_WORDS[2:]
    return " ".join(names[int(d)] for d in digits if d.isdigit())


def normalise_digit_words(text: str) -> str:
    """Lowercase, and "oh" read as "zero", so either reading of 0 scores as correct."""
    return " ".join("zero" if w == "oh" else w for w in text.lower().split())
