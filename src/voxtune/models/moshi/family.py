"""Moshi 7B speech-to-speech (transformers ``MoshiForConditionalGeneration``) as a voxtune model family.

An item is a two-channel dialogue (``cut.custom["channel_roles"]`` names the model and user channels):
both channels become Mimi codes (cached), the model channel's word timings its inner-monologue text
stream, and the family's control prefix (see :mod:`control`) optionally states the speaker and emotion
to answer in, so one config trains language, then voices, then emotions as stages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from lhotse import SupervisionSegment
from lhotse.cut import Cut
from torch import nn

from voxtune.corpus import fields
from voxtune.errors import ConfigError, InputError, ItemError
from voxtune.models import mimi
from voxtune.models.base import (
    Batch,
    Example,
    FamilySettings,
    GenerationRequest,
    GenerationResult,
    LoadedModel,
    LossOutput,
    ModelFamily,
    Quantization,
)
from voxtune.models.codec_cache import CodecCache, cut_waveform
from voxtune.models.kyutai.spm_tokenizer import SPM_FILE, word_tokens
from voxtune.models.kyutai.text_stream import TokenizedWord, stream_tokens, text_stream
from voxtune.models.kyutai.words import item_words
from voxtune.models.moshi import sequence
from voxtune.models.moshi.control import control_tokens, control_values
from voxtune.models.moshi.generate import Sampling, converse
from voxtune.models.moshi.loss import PARTS, moshi_loss
from voxtune.models.moshi.settings import MoshiSettings
from voxtune.models.registry import register_family

# Attention and MLP projections of the temporal transformer. The depth transformer's per-codebook
# weights are MoshiFlexibleLinear (one [K, out, in] tensor), which peft cannot wrap; train it in full
# with lora.train_modules: [depth_decoder] when the voices need it.
LORA_TARGETS = r"^decoder\.model\.layers\.\d+\.(self_attn\.(q|k|v|o)_proj\.linear|mlp\.(fc1|fc2))$"
CODEC_PREFIX = "audio_encoder"


def channel_roles(cut: Cut) -> tuple[int, int]:
    """Row indices (in the cut's channel order) of the model and user channels.

    A one-channel item is ItemError ``not_stereo``; a two-channel item without
    ``cut.custom["channel_roles"]`` naming both of its channels is ``no_channel_roles``.
    """
    if cut.num_channels != 2:
        raise ItemError(
            "not_stereo",
            f"{cut.id} has {cut.num_channels} channel(s); Moshi trains on two (the model's voice and the "
            "user's), named by cut.custom['channel_roles']",
            channels=cut.num_channels,
        )
    roles = (cut.custom or {}).get(fields.CHANNEL_ROLES) or {}
    channels = list(cut.channel) if isinstance(cut.channel, list) else [cut.channel]
    try:
        return channels.index(int(roles["model"])), channels.index(int(roles["user"]))
    except (KeyError, ValueError, TypeError):
        raise ItemError(
            "no_channel_roles",
            f"{cut.id} needs cut.custom['channel_roles'] = {{'model': channel, 'user': channel}} naming "
            f"its channels {channels} (got {roles or 'none'})",
        ) from None


def model_supervisions(cut: Cut, model_channel: int) -> list[SupervisionSegment]:
    """The supervisions on the model's channel (by channel index of the recording)."""
    channels = list(cut.channel) if isinstance(cut.channel, list) else [cut.channel]
    wanted = channels[model_channel]
    return [sup for sup in cut.supervisions if sup.channel == wanted or sup.channel == [wanted]]


class MoshiItemEncoder:
    """Dialogue cut -> Moshi example: cached codes of both channels, the text stream, the control prefix."""

    def __init__(self, loaded: LoadedModel, settings: MoshiSettings, cache: CodecCache):
        self.loaded = loaded
        self.settings = settings
        self.cache = cache
        config = loaded.model.config
        self.frame_rate = float(loaded.extras["frame_rate"])
        self.num_codebooks = int(config.num_codebooks)
        self.limit = int(settings.max_positions or config.max_position_embeddings)

    def _controls(self, cut: Cut, model_row: int) -> list[int]:
        if not self.settings.control:
            return []
        sups = [s for s in model_supervisions(cut, model_row) if s.text and s.text.strip()]
        if not sups:
            raise ItemError("empty_text", f"{cut.id} has no transcript on the model's channel")
        values = control_values(sups[0], self.settings.control, self.settings.speaker_names)
        return control_tokens(self.loaded.tokenizer, values)

    def length(self, cut: Cut) -> int:
        model_row, _ = channel_roles(cut)
        return math.ceil(cut.duration * self.frame_rate) + len(self._controls(cut, model_row))

    def codes(self, cut: Cut) -> tuple[np.ndarray, np.ndarray]:
        """Mimi codes ``(K, frames)`` of the model and the user channel, from the cache."""
        model_row, user_row = channel_roles(cut)
        rate = int(self.loaded.sample_rate or mimi.SAMPLE_RATE)
        source = cut.recording.sources[0].source if cut.has_recording else cut.id
        codec = self.loaded.codec
        audio: dict[str, np.ndarray] = {}

        def load_channel(row: int) -> np.ndarray:
            if "all" not in audio:
                audio["all"] = cut_waveform(cut, rate, mono=False)
            return audio["all"][row]

        out = []
        for role, row in (("model", model_row), ("user", user_row)):
            identity = (cut.id, str(source), round(cut.start, 6), round(cut.duration, 6), role, row)
            out.append(
                self.cache.codes_for(
                    identity,
                    lambda row=row: load_channel(row),
                    rate,
                    lambda samples: mimi.encode(codec, samples, num_quantizers=self.num_codebooks),
                )
            )
        return out[0], out[1]

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        model_row, _ = channel_roles(cut)
        words = item_words(cut, model_supervisions(cut, model_row))
        prefix = self._controls(cut, model_row)
        model_codes, user_codes = self.codes(cut)
        frames = min(model_codes.shape[1], user_codes.shape[1])
        if frames + len(prefix) > self.limit:
            raise ItemError(
                "too_long",
                f"{cut.id} takes {frames + len(prefix)} frames, more than the model's {self.limit}",
                frames=frames + len(prefix),
                limit=self.limit,
            )
        tokenizer = self.loaded.tokenizer
        stream = text_stream(
            [TokenizedWord(tuple(word_tokens(tokenizer, w)), s, e) for w, s, e in words],
            frames,
            self.frame_rate,
            pad_id=self.settings.pad_id,
            end_of_padding_id=self.settings.end_of_padding_id,
        )
        config = self.loaded.model.config
        return sequence.build_example(
            cut.id,
            stream,
            model_codes[:, :frames],
            user_codes[:, :frames],
            prefix=prefix,
            acoustic_delay=self.settings.acoustic_delay,
            text_start=int(config.vocab_size),
            audio_start=int(config.audio_vocab_size),
        )


class MoshiFamily(ModelFamily):
    name = "moshi"
    task = "speech_to_speech"
    model_types = ("moshi",)
    settings_class = MoshiSettings
    loss_parts = PARTS
    required_fields = ("text", "audio")
    export_formats = ("transformers", "kyutai")

    def load(
        self,
        reference: str | Path,
        *,
        dtype: torch.dtype | None = None,
        device: str | torch.device = "cpu",
        quantization: Quantization | None = None,
        revision: str | None = None,
    ) -> LoadedModel:
        from transformers import MoshiForConditionalGeneration

        from voxtune.models.source import load_pretrained

        if quantization is not None:
            raise ConfigError(
                "quantized loading is not supported for Moshi", hint="Remove model.quantization"
            )
        source, model, tokenizer = load_pretrained(
            self,
            reference,
            revision,
            MoshiForConditionalGeneration,
            what="Moshi",
            dtype=dtype or torch.float32,
        )
        where, _ = source.pretrained_location()
        model.to(device).eval()
        codec = model.audio_encoder.eval()
        codec.requires_grad_(False)
        spm_path = Path(where) / SPM_FILE if source.revision is None else None
        return LoadedModel(
            family=self,
            model=model,
            tokenizer=tokenizer,
            source=source,
            codec=codec,
            frozen_prefixes=(CODEC_PREFIX,),
            sample_rate=int(model.config.audio_encoder_config.sampling_rate),
            extras={
                "frame_rate": float(model.config.audio_encoder_config.frame_rate),
                "spm_model": spm_path if spm_path is not None and spm_path.is_file() else None,
            },
        )

    def default_lora_targets(self, loaded: LoadedModel) -> str:
        return LORA_TARGETS

    def item_encoder(
        self,
        loaded: LoadedModel,
        settings: FamilySettings,
        *,
        cache_dir: Path | None = None,
        speakers: Mapping[str, int] | None = None,
        token_weights: Mapping[str, float] | None = None,
    ) -> MoshiItemEncoder:
        assert isinstance(settings, MoshiSettings)
        assert loaded.codec is not None
        cache = CodecCache.for_codec(
            loaded.codec, loaded.model.config.audio_encoder_config.to_dict(), cache_dir
        )
        return MoshiItemEncoder(loaded, settings, cache)

    def collate(self, examples: Sequence[Example]) -> Batch:
        return sequence.collate(examples)

    def loss(
        self,
        model: nn.Module,
        batch: Batch,
        settings: FamilySettings,
        *,
        loss_weights: Mapping[str, float] | None = None,
        training: bool = True,
    ) -> LossOutput:
        assert isinstance(settings, MoshiSettings)
        return moshi_loss(
            model,
            batch,
            padding_ids=(settings.pad_id, settings.end_of_padding_id),
            padding_weight=settings.text_padding_weight,
            first_codebook_weight=settings.first_codebook_weight,
            loss_weights=loss_weights,
        )

    def generate(
        self,
        loaded: LoadedModel,
        requests: Sequence[GenerationRequest],
        settings: FamilySettings,
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> list[GenerationResult]:
        """Answer each request's user ``audio`` in the requested speaker and emotion (the control
        prefix of ``settings.control``); requests without audio (text-only training samples) give an
        empty result with ``stopped="no_input_audio"``."""
        import soxr

        assert isinstance(settings, MoshiSettings)
        rate = int(loaded.sample_rate or mimi.SAMPLE_RATE)
        config = loaded.model.config
        sampling = Sampling(
            settings.text_temperature, settings.audio_temperature, settings.text_top_k, settings.audio_top_k
        )
        results = []
        for number, request in enumerate(requests):
            if request.audio is None:
                results.append(GenerationResult(stopped="no_input_audio"))
                continue
            samples = np.asarray(request.audio, dtype=np.float32).reshape(-1)
            if request.sample_rate and request.sample_rate != rate:
                samples = soxr.resample(samples, request.sample_rate, rate).astype(np.float32)
            values = {}
            for field in settings.control:
                value = request.speaker if field == "speaker" else request.emotion
                if not value:
                    raise InputError(f"this Moshi adapter answers in a given {field}; the request names none")
                values[field] = settings.speaker_names.get(value, value) if field == "speaker" else value
            user_codes = mimi.encode(loaded.codec, samples, num_quantizers=int(config.num_codebooks))
            text, codes = converse(
                loaded.model,
                user_codes,
                prefix=control_tokens(loaded.tokenizer, values),
                acoustic_delay=settings.acoustic_delay,
                text_start=int(config.vocab_size),
                audio_start=int(config.audio_vocab_size),
                sampling=sampling,
                seed=seed + number,
            )
            ids = stream_tokens(text, pad_ids=(settings.pad_id, settings.end_of_padding_id))
            audio = mimi.decode(loaded.codec, np.clip(codes, 0, int(config.audio_vocab_size) - 1))
            results.append(
                GenerationResult(
                    audio=audio,
                    sample_rate=rate,
                    text=loaded.tokenizer.decode(ids).strip(),
                    stopped="end_of_audio",
                )
            )
        return results

    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        from voxtune.models.moshi.tiny import build_tiny_moshi

        return build_tiny_moshi(folder, texts, audio=audio, seed=seed)

    def target_entropy(self, examples: Iterable[Example]) -> float | None:
        return stream_entropy(examples)

    def export(
        self,
        loaded: LoadedModel,
        folder: str | Path,
        *,
        format: str = "transformers",
        dtype: torch.dtype = torch.bfloat16,
    ) -> list[Path]:
        """``transformers``: the folder; ``kyutai``: ``model.safetensors`` in the per-slice naming kyutai's
        Rust server reads, and the sentencepiece model when known."""
        if format != "kyutai":
            return super().export(loaded, folder, format=format, dtype=dtype)
        from voxtune.models.kyutai.checkpoint import ORIGINAL_WEIGHTS_NAME, save_original_checkpoint

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [save_original_checkpoint(loaded.model, folder / ORIGINAL_WEIGHTS_NAME, dtype)]
        spm_model: Path | None = loaded.extras.get("spm_model")
        if spm_model is not None:
            (folder / SPM_FILE).write_bytes(spm_model.read_bytes())
            written.append(folder / SPM_FILE)
        return written


def stream_entropy(examples: Iterable[Example]) -> float | None:
    """Mean unigram entropy (nats) of the scored targets, each stream (text, every codebook) with its own
    distribution, weighted by its number of targets: the loss (``nll``) of a model knowing only token
    frequencies per stream."""
    columns: list[list[np.ndarray]] = []
    for example in examples:
        targets, scored = example.tensors["targets"].numpy(), example.tensors["scored"].numpy()
        if not columns:
            columns = [[] for _ in range(targets.shape[1])]
        for k in range(targets.shape[1]):
            columns[k].append(targets[scored[:, k], k])
    total, count = 0.0, 0
    for parts in columns:
        values = np.concatenate(parts)
        if values.size:
            total += values.size * mimi.code_entropy(values[:, None], int(values.max()) + 1)
            count += values.size
    return total / count if count else None


register_family(MoshiFamily)
