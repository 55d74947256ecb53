"""Forced alignment with a transformers CTC model: words from characters, or phonemes.

Any ``AutoModelForCTC`` with a wav2vec2-style convolutional feature encoder works (wav2vec2, XLS-R,
MMS, HuBERT, WavLM, data2vec-audio). A character model (``facebook/wav2vec2-base-960h``, a
fine-tuned XLS-R) gives word timings: words are the spans between the model's word delimiter
(``|``). A phoneme model (``facebook/wav2vec2-lv-60-espeak-cv-ft``, whose vocabulary is espeak IPA
phonemes) gives phoneme timings for phonemes the caller supplies per word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import soxr
import torch

from voxtune.align.chunking import FrameGeometry, chunked_emissions
from voxtune.align.ctc_viterbi import StarToken, ctc_forced_align, min_frames_needed
from voxtune.align.errors import AlignmentError
from voxtune.align.results import WordAlignment, assemble_words
from voxtune.align.targets import (
    StarPlacement,
    UnitIds,
    character_ids,
    lay_out_targets,
    phoneme_ids,
)
from voxtune.errors import InputError


class CtcAligner:
    """Aligns transcripts to audio with one CTC model; load it with :meth:`from_pretrained`.

    Audio longer than ``chunk_seconds`` is run through the model in windows with ``context_seconds``
    of overlap on either side (see :mod:`voxtune.align.chunking`), then aligned in one Viterbi pass.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        processor: Any,
        *,
        device: str | torch.device = "cpu",
        chunk_seconds: float = 20.0,
        context_seconds: float = 2.0,
        batch_size: int = 1,
        star: StarToken = StarToken(),
    ):
        config = model.config
        if getattr(config, "add_adapter", False):
            raise InputError(
                "CTC models with a downsampling adapter (add_adapter=True) cannot align",
                hint="Use a model whose frames come straight from its convolutional encoder",
            )
        if not (hasattr(config, "conv_kernel") and hasattr(config, "conv_stride")):
            raise InputError(
                f"{type(model).__name__} has no convolutional encoder (conv_kernel, conv_stride)",
                hint="Use a wav2vec2-family CTC model (wav2vec2, XLS-R, MMS, HuBERT, WavLM)",
            )
        tokenizer = processor.tokenizer
        self.feature_extractor = processor.feature_extractor
        self.sample_rate = int(self.feature_extractor.sampling_rate)
        self.geometry = FrameGeometry.from_conv_layers(config.conv_kernel, config.conv_stride)
        self.frame_seconds = self.geometry.stride / self.sample_rate

        vocab: dict[str, int] = dict(tokenizer.get_vocab())
        blank = config.pad_token_id if config.pad_token_id is not None else tokenizer.pad_token_id
        if blank is None:
            raise InputError("the CTC model names no pad token, which CTC uses as its blank")
        self.blank_id = int(blank)
        delimiter = getattr(tokenizer, "word_delimiter_token", None)
        self.word_delimiter_id = vocab.get(delimiter) if delimiter else None
        not_alignable = set(tokenizer.all_special_tokens) | ({delimiter} if delimiter else set())
        self.vocab = {
            token: index
            for token, index in vocab.items()
            if token not in not_alignable and index != self.blank_id
        }

        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.chunk_frames = max(1, round(chunk_seconds / self.frame_seconds))
        self.context_frames = max(0, round(context_seconds / self.frame_seconds))
        self.batch_size = batch_size
        self.star = star

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        *,
        device: str | torch.device = "cpu",
        revision: str | None = None,
        dtype: torch.dtype | None = None,
        **settings: Any,
    ) -> CtcAligner:
        """Load model and processor from a hub id or a local folder.

        ``dtype`` (e.g. ``torch.float16`` on a GPU) is the model's; ``settings`` go to the
        constructor. Models that need extra loading arguments (MMS's ``target_lang``) can be loaded
        by the caller and passed to the constructor.
        """
        from transformers import AutoModelForCTC, AutoProcessor

        try:
            processor = AutoProcessor.from_pretrained(str(name_or_path), revision=revision)
            model = AutoModelForCTC.from_pretrained(str(name_or_path), revision=revision, dtype=dtype)
        except (OSError, ValueError) as error:
            raise InputError(
                f"cannot load a CTC model and processor from {name_or_path}: {error}",
                hint="Give a hub id or a folder holding a CTC model saved with save_pretrained "
                "together with its processor (tokenizer vocabulary and feature extractor)",
            ) from error
        if not (hasattr(processor, "tokenizer") and hasattr(processor, "feature_extractor")):
            raise InputError(
                f"{name_or_path} has no processor with both a tokenizer and a feature extractor",
                hint="Save a Wav2Vec2Processor next to the model",
            )
        return cls(model, processor, device=device, **settings)

    def emissions(self, audio: np.ndarray | torch.Tensor, sample_rate: int) -> torch.Tensor:
        """Per-frame log-probs ``[T, V]`` (float32, on the aligner's device) for mono ``audio``."""
        samples = self._model_input(audio, sample_rate)
        return chunked_emissions(
            samples,
            self._emit,
            self.geometry,
            chunk_frames=self.chunk_frames,
            context_frames=self.context_frames,
            batch_size=self.batch_size,
        )

    def align_words(
        self,
        audio: np.ndarray | torch.Tensor,
        sample_rate: int,
        transcript: str | Sequence[str],
        *,
        star: StarPlacement = "none",
    ) -> WordAlignment:
        """Word and character timings for ``transcript`` (split on whitespace, or a list of words).

        Words come back in Unicode NFC. Letters are matched to the vocabulary's case; punctuation
        the model lacks gets zero-length units; any other missing character raises
        :class:`AlignmentError` ``unknown_tokens``.
        """
        words = transcript.split() if isinstance(transcript, str) else list(transcript)
        words = [unicodedata.normalize("NFC", word) for word in words]
        ids = character_ids(words, self.vocab)
        return self._align(audio, sample_rate, ids, words, [list(word) for word in words], star)

    def align_phonemes(
        self,
        audio: np.ndarray | torch.Tensor,
        sample_rate: int,
        phonemes: Sequence[Sequence[str]],
        *,
        words: Sequence[str] | None = None,
        skip: Collection[str] = (),
        star: StarPlacement = "none",
    ) -> WordAlignment:
        """Phoneme timings for ``phonemes`` given as one list of vocabulary phonemes per word.

        ``words`` labels the words (default: their phonemes joined). Phonemes in ``skip`` (stress
        marks, say) get zero-length units; any other phoneme missing from the vocabulary raises
        :class:`AlignmentError` ``unknown_tokens``.
        """
        phonemes = [list(word) for word in phonemes]
        labels = ["".join(word) for word in phonemes] if words is None else list(words)
        if len(labels) != len(phonemes):
            raise ValueError(f"{len(labels)} words given for {len(phonemes)} phoneme lists")
        ids = phoneme_ids(phonemes, self.vocab, skip=skip)
        return self._align(audio, sample_rate, ids, labels, phonemes, star)

    def _align(
        self,
        audio: np.ndarray | torch.Tensor,
        sample_rate: int,
        ids: UnitIds,
        word_texts: Sequence[str],
        unit_labels: Sequence[Sequence[str]],
        star: StarPlacement,
    ) -> WordAlignment:
        layout = lay_out_targets(ids, word_delimiter=self.word_delimiter_id, star=star)
        log_probs = self.emissions(audio, sample_rate)
        needed = min_frames_needed(layout.targets)
        if log_probs.shape[0] < needed:
            raise AlignmentError(
                "target_too_long",
                f"the transcript needs at least {needed * self.frame_seconds:.2f} s of audio "
                f"({needed} frames of {self.frame_seconds * 1000:.0f} ms) but the audio gives "
                f"{log_probs.shape[0] * self.frame_seconds:.2f} s",
                frames=log_probs.shape[0],
                frames_needed=needed,
            )
        alignment = ctc_forced_align(log_probs, layout.targets, blank=self.blank_id, star=self.star)
        return assemble_words(
            alignment,
            layout,
            word_texts=word_texts,
            unit_labels=unit_labels,
            frame_seconds=self.frame_seconds,
            duration=audio.shape[0] / sample_rate,
        )

    def _model_input(self, audio: np.ndarray | torch.Tensor, sample_rate: int) -> torch.Tensor:
        """Mono float samples at the model's rate, normalised by the model's own feature extractor.

        Normalisation happens once for the whole file, never per window.
        """
        samples = audio.detach().cpu().numpy() if isinstance(audio, torch.Tensor) else np.asarray(audio)
        if samples.ndim != 1:
            raise ValueError(f"audio must be mono 1-D samples, got shape {samples.shape}")
        if np.issubdtype(samples.dtype, np.integer):
            samples = samples / float(np.iinfo(samples.dtype).max)
        samples = samples.astype(np.float32)
        if sample_rate != self.sample_rate and samples.size:
            samples = soxr.resample(samples, sample_rate, self.sample_rate, quality="HQ")
        if self.geometry.num_frames(samples.shape[0]) == 0:
            raise AlignmentError(
                "audio_too_short",
                f"the audio lasts {samples.shape[0] / self.sample_rate:.3f} s, shorter than one "
                f"model frame ({self.geometry.receptive_field / self.sample_rate:.3f} s)",
                seconds=samples.shape[0] / self.sample_rate,
            )
        features = self.feature_extractor(samples, sampling_rate=self.sample_rate, return_tensors="np")
        return torch.from_numpy(np.asarray(features["input_values"][0], dtype=np.float32))

    def _emit(self, batch: torch.Tensor) -> torch.Tensor:
        dtype = next(self.model.parameters()).dtype
        with torch.inference_mode():
            logits = self.model(batch.to(self.device, dtype)).logits
        return torch.log_softmax(logits.float(), dim=-1)
