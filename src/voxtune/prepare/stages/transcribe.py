"""transcribe: text, language and word timings for every item, from Whisper or from the manifest.

Backends: ``whisper`` (transformers), ``faster_whisper`` (CTranslate2, optional extra) and
``existing`` (keep what the manifest brought). The stage writes ``supervision.text``,
``supervision.language``, ``custom["text_original"]`` (the raw transcript, before normalisation),
``custom["language_probability"]`` and the word timings in ``supervision.alignment["word"]``.
Items fail with a ledger code: ``no_speech``, ``empty_transcript``, ``empty_text``,
``low_language_probability``, ``hallucination_repeat``, ``text_too_long``, ``text_over_silence``,
``unsupported_language``, ``unreadable_audio``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from lhotse import SupervisionSegment
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from lhotse.utils import fastcopy
from pydantic import Field, field_validator, model_validator

from voxtune.asr._signal import mono_at_rate
from voxtune.asr.errors import TranscriptionError
from voxtune.asr.existing import existing_transcript, item_language
from voxtune.asr.guards import (
    Activity,
    GuardSettings,
    activity_of,
    check_speech_present,
    check_transcript,
)
from voxtune.asr.transcript import Transcriber, Transcript
from voxtune.config import StrictModel
from voxtune.corpus import fields
from voxtune.corpus.audio import load_cut_audio, supervision_samples
from voxtune.errors import InputError, ItemError
from voxtune.models.reference import ModelReference, check_model_folder
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig, StageOutput
from voxtune.text.languages import SUPPORTED_LANGUAGES, UnsupportedLanguageError, canonical_language

MODEL_RATE = 16_000


class GuardConfig(StrictModel):
    """Hallucination guards; set a threshold to null to switch that guard off."""

    max_repeats: int | None = Field(4, ge=1)
    """Most consecutive copies of one n-gram a transcript may hold."""
    repeat_max_n: int = Field(5, ge=1, le=20)
    max_compression_ratio: float | None = Field(2.4, gt=0)
    max_characters_per_second: float | None = Field(25.0, gt=0)
    character_slack: int = Field(5, ge=0)
    min_speech_seconds: float | None = Field(0.1, ge=0)
    """Items with less sound than this (frame energy) are rejected as ``no_speech`` untranscribed."""
    max_silent_word_share: float | None = Field(0.5, ge=0, le=1)
    """Reject when more than this share of the words lie over silent frames."""
    silence_margin: float = Field(0.1, ge=0)
    """Seconds either side of a word that still count as its span."""
    max_no_speech_probability: float | None = Field(None, ge=0, le=1)
    floor_db: float = -50.0
    below_peak_db: float = Field(40.0, gt=0)
    apply_to_existing: bool = False
    """Also check transcripts the manifest brought (by default they are trusted)."""

    def settings(self) -> GuardSettings:
        return GuardSettings(**self.model_dump(exclude={"apply_to_existing"}))


def _language_field(value: str) -> str:
    try:
        return canonical_language(value)
    except UnsupportedLanguageError as error:
        raise ValueError(f"{error.what}; use one of {', '.join(SUPPORTED_LANGUAGES)}") from None


class TranscribeConfig(StageConfig):
    backend: Literal["whisper", "faster_whisper", "existing"] = "whisper"
    model: ModelReference | None = None
    """Hub id or folder: a transformers Whisper (``openai/whisper-large-v3``) for ``whisper``, a
    CTranslate2 model (``large-v3``, ``Systran/faster-whisper-large-v3``) for ``faster_whisper``."""
    language: str = "auto"
    """``auto``: the item's language when the manifest gives one, else detected; ``detect``: always
    detected; a code (``te``): every item is in that language."""
    candidate_languages: list[str] | None = None
    """Detection chooses among these only (their probabilities renormalised)."""
    min_language_probability: float = Field(0.0, ge=0.0, le=1.0)
    """Reject items whose language probability is lower (0 switches the gate off)."""
    measure_language_probability: bool = True
    """Score a forced or manifest language too; needed by the gate. Costs one decoder step per clip of
    up to 30 s with ``whisper`` (an extra encoder pass for longer clips and with ``faster_whisper``)."""
    keep_existing: bool = False
    """Items that already have text keep it (and its word timings); only the others are transcribed."""
    device: str = "auto"
    """``auto`` (CUDA when available), ``cpu``, ``cuda``, ``cuda:1``, ..."""
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    compute_type: str = "default"
    """faster-whisper only: CTranslate2 compute type (``float16``, ``int8_float16``, ...)."""
    batch_size: int = Field(8, ge=1, le=1024)
    num_beams: int = Field(1, ge=1, le=16)
    max_new_tokens: int | None = Field(None, ge=1, le=448)
    guards: GuardConfig = GuardConfig()

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return value if value in ("auto", "detect") else _language_field(value)

    @field_validator("candidate_languages")
    @classmethod
    def _known_candidates(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [_language_field(code) for code in value]

    @model_validator(mode="after")
    def _backend_fits(self) -> TranscribeConfig:
        if self.backend == "existing":
            if self.model is not None:
                raise ValueError("backend 'existing' uses no model; remove 'model' or choose backend whisper")
            if self.language == "detect":
                raise ValueError("backend 'existing' cannot detect languages; use 'auto' or a language code")
            return self
        if self.model is None:
            raise ValueError(
                f"backend '{self.backend}' needs 'model' (a hub id like openai/whisper-large-v3 or a folder)"
            )
        if self.backend == "whisper":
            check_model_folder(self.model, model_types={"whisper"})
        else:
            check_model_folder(self.model, required_files={"model.bin"})
        if self.min_language_probability > 0 and not self.measure_language_probability:
            raise ValueError("min_language_probability needs measure_language_probability: true")
        return self


@dataclass
class _Job:
    """One supervision to transcribe: where it came from and its audio at the model rate."""

    cut_index: int
    supervision_index: int
    audio: np.ndarray
    activity: Activity
    language: str | None


@register_stage
class Transcribe(ItemStage):
    name = "transcribe"
    config_class = TranscribeConfig
    config: TranscribeConfig

    def setup(self) -> None:
        config = self.config
        self.batch_size = config.batch_size
        self.guards = config.guards.settings()
        self.transcriber: Any = None
        if config.backend == "existing":
            return
        self.transcriber = self._load_transcriber()
        if config.language not in ("auto", "detect") and not self.transcriber.supports(config.language):
            raise InputError(
                f"the model '{config.model}' has no language token for '{config.language}'",
                hint=f"It knows: {', '.join(self.transcriber.languages)}",
            )

    def _load_transcriber(self) -> Transcriber:
        config = self.config
        assert config.model is not None
        options: dict[str, Any] = {
            "candidate_languages": config.candidate_languages,
            "measure_language_probability": config.measure_language_probability,
            "max_new_tokens": config.max_new_tokens,
        }
        if config.backend == "faster_whisper":
            from voxtune.asr.faster_whisper import FasterWhisperTranscriber

            return FasterWhisperTranscriber.from_pretrained(
                config.model,
                device=config.device,
                compute_type=config.compute_type,
                beam_size=config.num_beams,
                **options,
            )

        from voxtune.asr.whisper import WhisperTranscriber
        from voxtune.models.placement import resolve_device, resolve_dtype

        device = resolve_device(config.device)
        return WhisperTranscriber.from_pretrained(
            config.model,
            device=device,
            dtype=resolve_dtype(config.dtype, device, gpu="float16"),
            num_beams=config.num_beams,
            batch_size=config.batch_size,
            **options,
        )

    def process(self, cut: Cut) -> StageOutput:
        result = self.process_batch([cut])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def process_batch(self, cuts: Sequence[Cut]) -> list[StageOutput | Exception]:
        outputs: list[Cut | Exception] = []
        supervisions: list[list[SupervisionSegment]] = []
        jobs: list[_Job] = []
        for index, cut in enumerate(cuts):
            try:
                kept, cut_jobs = self._plan(index, cut)
            except Exception as error:
                outputs.append(error)
                supervisions.append([])
                continue
            outputs.append(cut)
            supervisions.append(kept)
            jobs.extend(cut_jobs)
        if jobs:
            transcripts = self.transcriber.transcribe_batch(
                [job.audio for job in jobs], MODEL_RATE, [job.language for job in jobs]
            )
            for job, transcript in zip(jobs, transcripts, strict=True):
                if isinstance(outputs[job.cut_index], Exception):
                    continue
                try:
                    self._check(job, transcript)
                except ItemError as error:
                    outputs[job.cut_index] = error
                    continue
                slot = supervisions[job.cut_index]
                slot[job.supervision_index] = _with_transcript(
                    slot[job.supervision_index], transcript, origin=cuts[job.cut_index].start, raw_text=True
                )
        results: list[StageOutput | Exception] = []
        for output, kept in zip(outputs, supervisions, strict=True):
            if isinstance(output, Exception):
                results.append(output)
            else:
                output.supervisions = kept
                results.append(output)
        return results

    def _plan(self, cut_index: int, cut: Cut) -> tuple[list[SupervisionSegment], list[_Job]]:
        """The cut's supervisions (those kept as they are already filled in) and what to transcribe."""
        config = self.config
        supervisions = list(cut.supervisions) or [_whole_cut_supervision(cut)]
        kept: list[SupervisionSegment] = []
        jobs: list[_Job] = []
        audio: tuple[np.ndarray, int] | None = None
        for index, supervision in enumerate(supervisions):
            has_text = bool((supervision.text or "").strip())
            if config.backend == "existing" or (config.keep_existing and has_text):
                kept.append(self._existing(cut, supervision))
                continue
            if audio is None:
                audio = load_cut_audio(cut)
            # the recogniser hears only the cut's audio, so the supervision it fills in ends there
            supervision = supervision.trim(cut.duration)
            samples = _model_samples(cut, *audio, supervision)
            activity = activity_of(samples, MODEL_RATE, self.guards)
            check_speech_present(activity, self.guards)
            language = self._language_for(supervision)
            kept.append(supervision)
            jobs.append(_Job(cut_index, index, samples, activity, language))
        return kept, jobs

    def _language_for(self, supervision: SupervisionSegment) -> str | None:
        config = self.config
        if config.language == "detect":
            return None
        language = config.language if config.language != "auto" else item_language(supervision.language)
        if language is not None and not self.transcriber.supports(language):
            raise TranscriptionError(
                "unsupported_language",
                f"the model has no language token for '{language}' "
                f"(it knows: {', '.join(self.transcriber.languages)})",
                language=language,
            )
        return language

    def _existing(self, cut: Cut, supervision: SupervisionSegment) -> SupervisionSegment:
        config = self.config
        forced = config.language if config.language not in ("auto", "detect") else None
        transcript = existing_transcript(supervision, origin=cut.start)
        if forced is not None:
            transcript = Transcript(transcript.text, forced, None, transcript.words)
        if config.guards.apply_to_existing:
            samples = _model_samples(cut, *load_cut_audio(cut), supervision)
            activity = activity_of(samples, MODEL_RATE, self.guards)
            check_speech_present(activity, self.guards)
            check_transcript(transcript, samples.size / MODEL_RATE, activity, self.guards)
        return _with_transcript(supervision, transcript, origin=cut.start, raw_text=False)

    def _check(self, job: _Job, transcript: Transcript) -> None:
        gate = self.config.min_language_probability
        probability = transcript.language_probability
        if gate > 0 and probability is not None and probability < gate:
            raise TranscriptionError(
                "low_language_probability",
                f"language '{transcript.language}' has probability {probability:.2f} (need {gate:.2f})",
                language=transcript.language,
                probability=round(probability, 4),
            )
        check_transcript(transcript, job.audio.size / MODEL_RATE, job.activity, self.guards)


def _model_samples(cut: Cut, audio: np.ndarray, rate: int, supervision: SupervisionSegment) -> np.ndarray:
    """The supervision's audio as mono samples at the transcriber's rate."""
    return mono_at_rate(supervision_samples(cut, audio, rate, supervision), rate, MODEL_RATE)


def _whole_cut_supervision(cut: Cut) -> SupervisionSegment:
    return SupervisionSegment(
        id=cut.id,
        recording_id=cut.recording_id,
        start=0.0,
        duration=cut.duration,
        channel=cut.channel,
    )


def _with_transcript(
    supervision: SupervisionSegment, transcript: Transcript, *, origin: float, raw_text: bool
) -> SupervisionSegment:
    """The supervision carrying the transcript.

    A recogniser's transcript (``raw_text``) replaces text, original text and word timings; its word
    times count from the supervision's start and move onto the recording's clock (lhotse's, for
    alignments) with the cut's start ``origin``. A kept transcript leaves its timings as they were.
    """
    custom = dict(supervision.custom or {})
    if raw_text or fields.TEXT_ORIGINAL not in custom:
        custom[fields.TEXT_ORIGINAL] = transcript.text
    if transcript.language_probability is not None:
        custom[fields.LANGUAGE_PROBABILITY] = round(transcript.language_probability, 4)
    alignment = dict(supervision.alignment or {})
    if raw_text:
        alignment[fields.WORD_ALIGNMENT] = [
            AlignmentItem(
                symbol=word.text,
                start=round(origin + supervision.start + word.start, 3),
                duration=round(max(0.0, word.end - word.start), 3),
                score=None if word.probability is None else round(word.probability, 4),
            )
            for word in transcript.words
        ]
        if not alignment[fields.WORD_ALIGNMENT]:
            del alignment[fields.WORD_ALIGNMENT]
    return fastcopy(
        supervision,
        text=transcript.text,
        language=transcript.language,
        custom=custom or None,
        alignment=alignment or None,
    )
