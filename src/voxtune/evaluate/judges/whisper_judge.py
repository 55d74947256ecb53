"""Multilingual judge: Whisper through the transformers ASR pipeline, by hub id or local folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from voxtune.audio.levels import peak_dbfs
from voxtune.evaluate.audio import SILENCE_PEAK_DBFS, prepare_audio
from voxtune.evaluate.hf_models import load_pretrained, resolve_model_source

LONG_FORM_S = 30.0
_WHISPER_LANGUAGE = {"nb": "no"}  # Whisper names Norwegian (Bokmål) "no"


def whisper_language(code: str | None) -> str | None:
    """Our ISO 639-1 code -> the language code Whisper's tokenizer expects."""
    if code is None:
        return None
    code = code.lower()
    return _WHISPER_LANGUAGE.get(code, code)


class WhisperJudge:
    """Whisper transcription; audio is resampled with soxr to the feature extractor's rate."""

    def __init__(self, model: str | Path, device: str = "cpu"):
        resolve_model_source(model)  # a missing folder fails before the slow transformers import
        from transformers import pipeline

        self._pipe = load_pretrained(
            lambda source: pipeline("automatic-speech-recognition", model=source, device=device),
            model,
            "Whisper judge",
        )
        self.name = f"whisper:{model}"
        self.sample_rate = int(self._pipe.feature_extractor.sampling_rate)

    def transcribe(self, audio: np.ndarray, sample_rate: int, language: str | None = None) -> str:
        """Transcript, ``""`` for empty or silent audio (peak below -60 dBFS), which Whisper would
        otherwise fill with invented text; ``language`` forces the decoding language."""
        if np.asarray(audio).size == 0:
            return ""
        prepared = prepare_audio(audio, sample_rate, target_rate=self.sample_rate, allow_silent=True)
        if peak_dbfs(prepared.samples) < SILENCE_PEAK_DBFS:
            return ""
        generate_kwargs: dict[str, object] = {"task": "transcribe"}
        if language is not None:
            generate_kwargs["language"] = whisper_language(language)
        call_kwargs: dict[str, object] = {"generate_kwargs": generate_kwargs}
        if prepared.duration_s > LONG_FORM_S:
            call_kwargs["chunk_length_s"] = LONG_FORM_S
        output = self._pipe({"raw": prepared.samples, "sampling_rate": self.sample_rate}, **call_kwargs)
        return str(output["text"]).strip()
