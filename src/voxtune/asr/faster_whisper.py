"""Whisper through faster-whisper (CTranslate2): the optional fast backend, with word probabilities.

Needs the ``faster-whisper`` extra (``pip install "voxtune[faster-whisper]"``) and a CTranslate2
model: a size name (``large-v3``), a converted hub id (``Systran/faster-whisper-large-v3``) or a
folder written by ``ct2-transformers-converter``. Clips are transcribed one after another (faster-
whisper batches the windows of one long clip, not several clips), with ``word_timestamps=True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voxtune.asr._signal import mono_at_rate
from voxtune.asr.languages import corpus_language, whisper_language
from voxtune.asr.transcript import Transcriber, Transcript, Word
from voxtune.asr.words import tidy_word_times
from voxtune.errors import ConfigError, InputError

SAMPLE_RATE = 16_000


def _import_faster_whisper() -> Any:
    try:
        import faster_whisper
    except ImportError:
        raise ConfigError(
            "the faster_whisper backend needs the faster-whisper package",
            hint='Install it with: pip install "voxtune[faster-whisper]", or use backend: whisper',
        ) from None
    return faster_whisper


class FasterWhisperTranscriber(Transcriber):
    """A ``faster_whisper.WhisperModel``; load one with :meth:`from_pretrained`.

    ``candidate_languages`` (our codes) restricts detection to those languages, renormalising their
    probabilities (plus a forced language's); ``measure_language_probability`` scores a forced
    language too.
    """

    def __init__(
        self,
        model: Any,
        *,
        beam_size: int = 5,
        candidate_languages: Sequence[str] | None = None,
        measure_language_probability: bool = True,
        vad_filter: bool = False,
        max_new_tokens: int | None = None,
        name: str = "faster-whisper",
    ):
        self.model = model
        self.name = name
        self.beam_size = beam_size
        self.measure_language_probability = measure_language_probability
        self.vad_filter = vad_filter
        self.max_new_tokens = max_new_tokens
        self.multilingual = bool(model.model.is_multilingual)
        self.candidates = [self.whisper_code(code) for code in candidate_languages or ()] or None

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        *,
        device: str = "auto",
        compute_type: str = "default",
        **options: Any,
    ) -> FasterWhisperTranscriber:
        """Load a CTranslate2 Whisper from a size name, a hub id or a converted folder."""
        faster_whisper = _import_faster_whisper()
        name = str(name_or_path)
        try:
            model = faster_whisper.WhisperModel(name, device=device, compute_type=compute_type)
        except (OSError, RuntimeError, ValueError) as error:
            raise InputError(
                f"cannot load a faster-whisper (CTranslate2) model from '{name}': {error}",
                hint="Give a size (large-v3), a converted hub id or a folder made by "
                "ct2-transformers-converter; for transformers checkpoints use backend: whisper",
            ) from error
        return cls(model, name=name, **options)

    @property
    def languages(self) -> list[str]:
        return sorted(corpus_language(code) for code in self.model.supported_languages)

    def supports(self, language: str) -> bool:
        return whisper_language(language) in self.model.supported_languages

    def whisper_code(self, language: str) -> str:
        code = whisper_language(language)
        if not self.supports(language):
            raise InputError(
                f"the faster-whisper model '{self.name}' cannot be forced to '{language}'",
                hint=f"It knows: {', '.join(self.languages)}",
            )
        return code

    def language_probabilities(
        self, samples: np.ndarray, among: Sequence[str] | None = None
    ) -> dict[str, float]:
        """Probability of each Whisper language in the first 30 s, renormalised over ``among`` if given."""
        _, _, ranked = self.model.detect_language(audio=samples)
        probabilities = {code: float(p) for code, p in ranked}
        if among:
            total = sum(probabilities.get(code, 0.0) for code in among) or 1.0
            probabilities = {code: probabilities.get(code, 0.0) / total for code in among}
        return probabilities

    def transcribe_batch(
        self,
        audios: Sequence[np.ndarray],
        sample_rate: int,
        languages: Sequence[str | None] | None = None,
    ) -> list[Transcript]:
        wanted = list(languages) if languages is not None else [None] * len(audios)
        if len(wanted) != len(audios):
            raise ValueError(f"{len(wanted)} languages given for {len(audios)} clips")
        return [
            self._transcribe_one(mono_at_rate(audio, sample_rate, SAMPLE_RATE), language)
            for audio, language in zip(audios, wanted, strict=True)
        ]

    def _transcribe_one(self, samples: np.ndarray, language: str | None) -> Transcript:
        code = None if language is None else self.whisper_code(language)
        probability: float | None = None
        if self.multilingual and (code is None or self.measure_language_probability):
            among = self.candidates and sorted({*self.candidates, *([code] if code else [])})
            probabilities = self.language_probabilities(samples, among)
            if code is None:
                code = max(probabilities, key=probabilities.__getitem__)
            probability = probabilities.get(code, 0.0)
        if not self.multilingual:
            code = "en"
        segments, _ = self.model.transcribe(
            samples,
            language=code,
            word_timestamps=True,
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
            max_new_tokens=self.max_new_tokens,
        )
        segments = list(segments)
        duration = samples.size / SAMPLE_RATE
        words = tidy_word_times(
            [
                Word(word.word.strip(), float(word.start), float(word.end), float(word.probability))
                for segment in segments
                for word in segment.words or ()
                if word.word.strip()
            ],
            duration,
        )
        text = " ".join("".join(segment.text for segment in segments).split())
        return Transcript(
            text=text,
            language=corpus_language(code),
            language_probability=probability,
            words=tuple(words),
            no_speech_probability=float(segments[0].no_speech_prob) if segments else None,
        )
