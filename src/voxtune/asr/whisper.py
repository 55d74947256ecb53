"""Whisper through transformers: language ID with probabilities, batched decoding, word timestamps.

Word times come from Whisper's cross-attention alignment heads (dynamic time warping over the
attention of each generated token, transformers' ``return_token_timestamps``); the tokens are
grouped into words by :mod:`voxtune.asr.words`. Clips up to 30 s are decoded in one pass per
batch; longer ones use Whisper's sequential long-form algorithm (30 s windows, each starting where
the last finished segment ended), which is how Whisper itself chunks long audio.

The language is detected the way OpenAI's ``detect_language`` does it: one decoder step after
``<|startoftranscript|>`` on the first 30 s, softmax over the language tokens (renormalised over
the candidate languages when some are given). The same step gives Whisper's no-speech probability.
transformers' own detection returns only the arg-max, hence this step of our own; it reuses the
encoder output that decoding a clip of up to 30 s needs anyway, so scoring costs one decoder step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers.modeling_outputs import BaseModelOutput

from voxtune.asr._signal import mono_at_rate
from voxtune.asr.languages import corpus_language, language_token, token_language, whisper_language
from voxtune.asr.transcript import Transcriber, Transcript, Word
from voxtune.asr.words import tidy_word_times, tokens_to_words
from voxtune.errors import InputError

SAMPLE_RATE = 16_000
WINDOW_SECONDS = 30.0


@dataclass(frozen=True)
class LanguageScores:
    """Language-ID result for one clip: probability of each Whisper language code, and of no speech."""

    probabilities: dict[str, float]
    """Over every language the model has a token for."""
    no_speech_probability: float

    def among(self, codes: Sequence[str] | None = None) -> dict[str, float]:
        """The probabilities renormalised over ``codes`` (all languages when None)."""
        if not codes:
            return dict(self.probabilities)
        total = sum(self.probabilities[code] for code in codes) or 1.0
        return {code: self.probabilities[code] / total for code in codes}

    def best(self, codes: Sequence[str] | None = None) -> tuple[str, float]:
        """The most probable language among ``codes`` (all when None) and its renormalised probability."""
        probabilities = self.among(codes)
        code = max(probabilities, key=probabilities.__getitem__)
        return code, probabilities[code]


class WhisperTranscriber(Transcriber):
    """A transformers Whisper model and its processor; load one with :meth:`from_pretrained`.

    ``candidate_languages`` (our codes) restricts detection to those languages, and language
    probabilities are renormalised over them (plus a forced language outside them);
    ``measure_language_probability`` scores a forced language too (one extra encoder pass per
    batch); ``batch_size`` clips are decoded together.
    """

    def __init__(
        self,
        model: Any,
        processor: Any,
        *,
        device: str | torch.device = "cpu",
        num_beams: int = 1,
        max_new_tokens: int | None = None,
        candidate_languages: Sequence[str] | None = None,
        measure_language_probability: bool = True,
        batch_size: int = 8,
        name: str = "whisper",
    ):
        self.name = name
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.tokenizer = processor.tokenizer
        self.feature_extractor = processor.feature_extractor
        self.num_beams = num_beams
        self.max_new_tokens = max_new_tokens
        self.measure_language_probability = measure_language_probability
        self.batch_size = max(1, batch_size)
        generation = model.generation_config
        self.start_token = int(generation.decoder_start_token_id)
        self.end_token = int(generation.eos_token_id)
        self.no_speech_token = int(generation.no_timestamps_token_id) - 1  # as transformers finds it
        lang_to_id = dict(getattr(generation, "lang_to_id", None) or {})
        self.multilingual = bool(lang_to_id) and getattr(generation, "is_multilingual", True)
        self.language_ids: dict[str, int] = {}
        for token, index in lang_to_id.items():
            code = token_language(token)
            if code is not None:
                self.language_ids[code] = int(index)
        self.candidates: list[str] | None = None
        if candidate_languages:
            self.candidates = [self.whisper_code(code) for code in candidate_languages]

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        *,
        device: str | torch.device = "cpu",
        dtype: torch.dtype | None = None,
        revision: str | None = None,
        **options: Any,
    ) -> WhisperTranscriber:
        """Load model and processor from a hub id or a folder saved with ``save_pretrained``."""
        from transformers import AutoConfig, WhisperForConditionalGeneration, WhisperProcessor

        name = str(name_or_path)
        try:
            config = AutoConfig.from_pretrained(name, revision=revision)
        except (OSError, ValueError) as error:
            raise InputError(
                f"cannot load a Whisper model from '{name}': {error}",
                hint="Give a hub id (openai/whisper-large-v3) or a folder saved with save_pretrained",
            ) from error
        if config.model_type != "whisper":
            raise InputError(
                f"'{name}' holds a {config.model_type} model, not Whisper",
                hint="The whisper backend needs a Whisper checkpoint (model_type 'whisper')",
            )
        try:
            processor = WhisperProcessor.from_pretrained(name, revision=revision)
            model = WhisperForConditionalGeneration.from_pretrained(name, revision=revision, dtype=dtype)
        except (OSError, ValueError) as error:
            raise InputError(
                f"cannot load the Whisper model and processor from '{name}': {error}",
                hint="The folder needs the model, its tokenizer and its feature extractor",
            ) from error
        return cls(model, processor, device=device, name=name, **options)

    # -- languages --------------------------------------------------------------------------------

    @property
    def languages(self) -> list[str]:
        """Our codes for the languages the model has tokens for."""
        return sorted(corpus_language(code) for code in self.language_ids)

    def supports(self, language: str) -> bool:
        """Whether the model can be forced to ``language`` (our code or any accepted spelling)."""
        if not self.multilingual:
            return whisper_language(language) == "en"
        return whisper_language(language) in self.language_ids

    def whisper_code(self, language: str) -> str:
        """Whisper's code for ``language``, checked against the model's language tokens."""
        code = whisper_language(language)
        if not self.supports(language):
            raise InputError(
                f"the Whisper model '{self.name}' has no {language_token(code)} token",
                hint=f"It knows: {', '.join(self.languages) or 'English only'}",
            )
        return code

    def language_scores(self, audios: Sequence[np.ndarray], sample_rate: int) -> list[LanguageScores]:
        """Language probabilities and no-speech probability of each clip's first 30 s."""
        samples = [mono_at_rate(audio, sample_rate, SAMPLE_RATE) for audio in audios]
        features, _ = self._window_features(samples)
        return self._scores(self._encode(features))

    def _encode(self, features: torch.Tensor) -> BaseModelOutput:
        with torch.inference_mode():
            return self.model.get_encoder()(features)

    def _scores(self, encoded: BaseModelOutput) -> list[LanguageScores]:
        """One decoder step after ``<|startoftranscript|>`` on already encoded audio."""
        batch = encoded.last_hidden_state.shape[0]
        start = torch.full((batch, 1), self.start_token, device=self.device)
        with torch.inference_mode():
            logits = self.model(encoder_outputs=encoded, decoder_input_ids=start).logits[:, -1].float()
        no_speech = torch.softmax(logits, dim=-1)[:, self.no_speech_token]
        codes = list(self.language_ids)
        ids = torch.tensor([self.language_ids[code] for code in codes], device=logits.device)
        probabilities = torch.softmax(logits[:, ids], dim=-1).cpu().numpy()
        return [
            LanguageScores(
                probabilities={code: float(p) for code, p in zip(codes, row, strict=True)},
                no_speech_probability=float(no_speech[index]),
            )
            for index, row in enumerate(probabilities)
        ]

    # -- transcription ----------------------------------------------------------------------------

    def transcribe_batch(
        self,
        audios: Sequence[np.ndarray],
        sample_rate: int,
        languages: Sequence[str | None] | None = None,
    ) -> list[Transcript]:
        wanted = list(languages) if languages is not None else [None] * len(audios)
        if len(wanted) != len(audios):
            raise ValueError(f"{len(wanted)} languages given for {len(audios)} clips")
        forced = [None if code is None else self.whisper_code(code) for code in wanted]
        samples = [mono_at_rate(audio, sample_rate, SAMPLE_RATE) for audio in audios]
        window = int(WINDOW_SECONDS * SAMPLE_RATE)
        short = [i for i, s in enumerate(samples) if s.size <= window]
        long = [i for i, s in enumerate(samples) if s.size > window]
        results: dict[int, Transcript] = {}
        for group in (short, long):
            for begin in range(0, len(group), self.batch_size):
                batch = group[begin : begin + self.batch_size]
                transcripts = self._transcribe([samples[i] for i in batch], [forced[i] for i in batch])
                results.update(zip(batch, transcripts, strict=True))
        return [results[i] for i in range(len(audios))]

    def _window_features(self, samples: Sequence[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
        """Log-mel features of each clip's first 30 s, padded to 30 s, with their attention mask."""
        window = int(WINDOW_SECONDS * SAMPLE_RATE)
        inputs = self.feature_extractor(
            [s[:window] for s in samples],
            sampling_rate=SAMPLE_RATE,
            return_tensors="pt",
            return_attention_mask=True,
        )
        return self._on_device(inputs["input_features"]), inputs["attention_mask"].to(self.device)

    def _on_device(self, features: torch.Tensor) -> torch.Tensor:
        return features.to(self.device, next(self.model.parameters()).dtype)

    def _transcribe(self, samples: list[np.ndarray], forced: list[str | None]) -> list[Transcript]:
        features, mask = self._window_features(samples)
        # the first 30 s are encoded once, for language ID and (for short clips) for decoding
        encoded = self._encode(features)
        scores: list[LanguageScores | None] = [None] * len(samples)
        needs_scores = self.multilingual and (
            self.measure_language_probability or any(code is None for code in forced)
        )
        if needs_scores:
            scores = list(self._scores(encoded))
        codes: list[str] = []
        probabilities: list[float | None] = []
        for code, score in zip(forced, scores, strict=True):
            if not self.multilingual:
                codes.append("en")
                probabilities.append(None)
            elif code is None:
                assert score is not None
                best, probability = score.best(self.candidates)
                codes.append(best)
                probabilities.append(probability)
            else:
                codes.append(code)
                among = self.candidates and sorted({*self.candidates, code})
                probabilities.append(None if score is None else score.among(among)[code])
        long_form = any(s.size > WINDOW_SECONDS * SAMPLE_RATE for s in samples)
        audio: dict[str, Any] = {"encoder_outputs": encoded}
        if long_form:
            inputs = self.feature_extractor(
                samples,
                sampling_rate=SAMPLE_RATE,
                truncation=False,
                padding="longest",
                return_tensors="pt",
                return_attention_mask=True,
            )
            audio = {"input_features": self._on_device(inputs["input_features"])}
            mask = inputs["attention_mask"].to(self.device)
        options: dict[str, Any] = {
            "attention_mask": mask,
            "return_timestamps": True,
            "return_token_timestamps": True,
            "return_segments": True,
            "num_beams": self.num_beams,
            # a clip of up to 30 s is one window: decode it once, without the long-form seek loop
            "force_unique_generate_call": not long_form,
        }
        if self.multilingual:
            options.update(language=codes, task="transcribe")
        if self.max_new_tokens is not None:
            options["max_new_tokens"] = self.max_new_tokens
        with torch.inference_mode():
            output = self.model.generate(**audio, **options)
        transcripts = []
        for index, segments in enumerate(output["segments"]):
            duration = samples[index].size / SAMPLE_RATE
            text, words = self._read_segments(segments, duration)
            score = scores[index]
            transcripts.append(
                Transcript(
                    text=text,
                    language=corpus_language(codes[index]),
                    language_probability=probabilities[index],
                    words=tuple(words),
                    no_speech_probability=None if score is None else score.no_speech_probability,
                )
            )
        return transcripts

    def _read_segments(self, segments: list[dict[str, Any]], duration: float) -> tuple[str, list[Word]]:
        """The text and words of one clip from the segments ``generate`` returned for it."""
        if not segments:
            return "", []
        tokens = torch.cat([segment["tokens"] for segment in segments]).tolist()
        times = torch.cat([segment["token_timestamps"] for segment in segments]).tolist()
        text_tokens = [token for token in tokens if self._is_text(token)]
        text = " ".join(self.tokenizer.decode(text_tokens).split())
        words = tokens_to_words(tokens, times, is_text=self._is_text, decode=self._decode)
        return text, tidy_word_times(words, duration)

    def _is_text(self, token: int) -> bool:
        """Text tokens come before ``<|endoftext|>``; special and timestamp tokens after it."""
        return token < self.end_token

    def _decode(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens)
