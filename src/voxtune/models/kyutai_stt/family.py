"""Kyutai STT (transformers ``KyutaiSpeechToTextForConditionalGeneration``) as a voxtune model family.

Loads transformers-format folders and hub ids (``kyutai/stt-1b-en_fr-trfs``) together with the pause
heads voxtune keeps beside them (``pause_heads.safetensors``); kyutai's original checkpoints are turned
into such a folder by :func:`voxtune.models.kyutai.convert.import_original`. Trains the text stream only
(see :mod:`loss`), transcribes by streaming (see :mod:`streaming`) and exports both as a transformers
folder and in kyutai's own naming with a ``moshi-server`` config (see :meth:`KyutaiSttFamily.export`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lhotse.cut import Cut
from torch import nn

from voxtune.errors import ConfigError, ItemError
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
from voxtune.models.kyutai.pause_heads import PauseHeads
from voxtune.models.kyutai.spm_tokenizer import SPM_FILE, word_tokens
from voxtune.models.kyutai.text_stream import TokenizedWord, stream_tokens, text_stream
from voxtune.models.kyutai.words import item_words
from voxtune.models.kyutai_stt import sequence
from voxtune.models.kyutai_stt.files import PAUSE_HEADS_FILE
from voxtune.models.kyutai_stt.loss import PARTS, stt_loss
from voxtune.models.kyutai_stt.settings import SttSettings
from voxtune.models.kyutai_stt.streaming import StreamedTranscript, stream_transcribe
from voxtune.models.registry import register_family

# Attention and MLP projections of the decoder layers; the Mimi codec inside the model has q_proj/...
# too, so the regex is anchored to ``model.layers``. peft accepts the ``.linear`` inside kyutai's
# ``KyutaiSpeechToTextLinear`` wrapper (a plain nn.Linear), not the wrapper itself.
LORA_TARGETS = r"^model\.layers\.\d+\.(self_attn\.(q|k|v|o)_proj\.linear|mlp\.(fc1|fc2))$"
CODEC_PREFIX = "codec_model"
PAUSE_CLASSES = 6


def mono_audio(cut: Cut, sample_rate: int) -> np.ndarray:
    """The cut's one channel at ``sample_rate``; a multi-channel cut is ItemError ``not_mono``."""
    if cut.num_channels != 1:
        raise ItemError(
            "not_mono",
            f"{cut.id} has {cut.num_channels} channels; Kyutai STT transcribes one voice on one channel",
            channels=cut.num_channels,
        )
    return cut_waveform(cut, sample_rate, mono=True)[0]


class SttItemEncoder:
    """Cut -> STT example: cached Mimi codes of the (silence-padded) audio and its delayed text stream."""

    def __init__(self, loaded: LoadedModel, settings: SttSettings, cache: CodecCache):
        self.loaded = loaded
        self.settings = settings
        self.cache = cache
        config = loaded.model.config
        self.frame_rate = float(loaded.extras["frame_rate"])
        self.delay = float(
            settings.text_delay_seconds
            if settings.text_delay_seconds is not None
            else loaded.extras["text_delay_seconds"]
        )
        self.before = float(
            settings.silence_before_seconds
            if settings.silence_before_seconds is not None
            else loaded.extras["silence_before_seconds"]
        )
        self.after = self.delay + settings.tail_seconds
        self.pad_id = int(settings.pad_id if settings.pad_id is not None else config.pad_token_id)
        self.num_codebooks = int(config.num_codebooks)
        self.limit = int(settings.max_positions or config.max_position_embeddings)

    def length(self, cut: Cut) -> int:
        return math.ceil((self.before + cut.duration + self.after) * self.frame_rate)

    def codes(self, cut: Cut) -> np.ndarray:
        """Mimi codes ``(codebooks, frames)`` of the cut's audio with its silences, from the cache."""
        rate = int(self.loaded.sample_rate or mimi.SAMPLE_RATE)
        source = cut.recording.sources[0].source if cut.has_recording else cut.id
        identity = (cut.id, str(source), round(cut.start, 6), round(cut.duration, 6), self.before, self.after)

        def load() -> np.ndarray:
            audio = mono_audio(cut, rate)
            return np.concatenate(
                [
                    np.zeros(round(self.before * rate), np.float32),
                    audio,
                    np.zeros(round(self.after * rate), np.float32),
                ]
            )

        codec = self.loaded.codec
        return self.cache.codes_for(
            identity,
            load,
            rate,
            lambda samples: mimi.encode(codec, samples, num_quantizers=self.num_codebooks),
        )

    def stream(self, cut: Cut, frames: int) -> np.ndarray:
        tokenizer = self.loaded.tokenizer
        words = [
            TokenizedWord(tuple(word_tokens(tokenizer, word)), start + self.before, end + self.before)
            for word, start, end in item_words(cut)
        ]
        return text_stream(
            words,
            frames,
            self.frame_rate,
            delay=self.delay,
            pad_id=self.pad_id,
            end_of_padding_id=self.settings.end_of_padding_id,
        )

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        item_words(cut)  # refuse bad text before running the codec
        if cut.num_channels != 1:
            mono_audio(cut, int(self.loaded.sample_rate or mimi.SAMPLE_RATE))
        codes = self.codes(cut)
        if codes.shape[1] > self.limit:
            raise ItemError(
                "too_long",
                f"{cut.id} takes {codes.shape[1]} frames, more than the model's {self.limit}",
                frames=int(codes.shape[1]),
                limit=self.limit,
            )
        config = self.loaded.model.config
        return sequence.build_example(
            cut.id,
            codes,
            self.stream(cut, codes.shape[1]),
            bos_id=int(config.bos_token_id),
            audio_bos_id=int(config.audio_bos_token_id),
        )


class KyutaiSttFamily(ModelFamily):
    name = "kyutai_stt"
    task = "stt"
    model_types = ("kyutai_speech_to_text",)
    settings_class = SttSettings
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
        from transformers import (
            KyutaiSpeechToTextFeatureExtractor,
            KyutaiSpeechToTextForConditionalGeneration,
        )

        from voxtune.models.source import load_pretrained

        if quantization is not None:
            raise ConfigError(
                "quantized loading is not supported for Kyutai STT", hint="Remove model.quantization"
            )
        source, model, tokenizer = load_pretrained(
            self,
            reference,
            revision,
            KyutaiSpeechToTextForConditionalGeneration,
            what="Kyutai STT",
            dtype=dtype or torch.float32,
        )
        where, kwargs = source.pretrained_location()
        try:
            features = KyutaiSpeechToTextFeatureExtractor.from_pretrained(where, **kwargs)
            delay = float(features.audio_delay_seconds or 0.0)
            before = float(features.audio_silence_prefix_seconds or 0.0)
        except OSError:
            delay, before = 0.0, 0.0
        model.to(device).eval()
        codec = model.codec_model.eval()
        codec.requires_grad_(False)
        heads = _load_pause_heads(where, kwargs)
        if heads is not None:
            heads = heads.to(device)
        spm_path = Path(where) / SPM_FILE if source.revision is None else None
        return LoadedModel(
            family=self,
            model=model,
            tokenizer=tokenizer,
            source=source,
            codec=codec,
            frozen_prefixes=(CODEC_PREFIX,),
            sample_rate=int(model.config.codec_config.sampling_rate),
            extras={
                "frame_rate": float(model.config.codec_config.frame_rate),
                "text_delay_seconds": delay,
                "silence_before_seconds": before,
                "pause_heads": heads,
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
    ) -> SttItemEncoder:
        assert isinstance(settings, SttSettings)
        assert loaded.codec is not None
        cache = CodecCache.for_codec(loaded.codec, loaded.model.config.codec_config.to_dict(), cache_dir)
        return SttItemEncoder(loaded, settings, cache)

    def collate(self, examples: Sequence[Example]) -> Batch:
        # padded frames are masked out of attention and loss, so any valid id does as their input
        return sequence.collate(examples, text_pad_id=0, audio_pad_id=0)

    def loss(
        self,
        model: nn.Module,
        batch: Batch,
        settings: FamilySettings,
        *,
        loss_weights: Mapping[str, float] | None = None,
        training: bool = True,
    ) -> LossOutput:
        assert isinstance(settings, SttSettings)
        pad = settings.pad_id if settings.pad_id is not None else _unwrapped_config(model).pad_token_id
        return stt_loss(
            model,
            batch,
            padding_ids=(int(pad), settings.end_of_padding_id),
            padding_weight=settings.text_padding_weight,
            loss_weights=loss_weights,
        )

    def transcribe(
        self, loaded: LoadedModel, audio: np.ndarray, sample_rate: int, settings: SttSettings
    ) -> tuple[str, StreamedTranscript]:
        """The transcript of mono ``audio`` and the streaming run that produced it (per-step tokens and
        pause probabilities), with the same silences around it as in training."""
        import soxr

        rate = int(loaded.sample_rate or mimi.SAMPLE_RATE)
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        if sample_rate != rate:
            samples = soxr.resample(samples, sample_rate, rate).astype(np.float32)
        encoder = SttItemEncoder(loaded, settings, CodecCache(None, "transcribe"))
        padded = np.concatenate(
            [
                np.zeros(round(encoder.before * rate), np.float32),
                samples,
                np.zeros(round(encoder.after * rate), np.float32),
            ]
        )
        codes = mimi.encode(loaded.codec, padded, num_quantizers=encoder.num_codebooks)
        config = loaded.model.config
        streamed = stream_transcribe(
            loaded.model,
            codes,
            bos_id=int(config.bos_token_id),
            audio_bos_id=int(config.audio_bos_token_id),
            frame_rate=encoder.frame_rate,
            pause_heads=loaded.extras.get("pause_heads"),
        )
        ids = stream_tokens(
            streamed.tokens, pad_ids=(encoder.pad_id, settings.end_of_padding_id, int(config.bos_token_id))
        )
        text = loaded.tokenizer.decode(ids, skip_special_tokens=False).strip()
        return text, streamed

    def generate(
        self,
        loaded: LoadedModel,
        requests: Sequence[GenerationRequest],
        settings: FamilySettings,
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> list[GenerationResult]:
        """Transcribe each request's audio; requests without audio (text-only training samples) give an
        empty result with ``stopped="no_input_audio"``."""
        assert isinstance(settings, SttSettings)
        results = []
        for request in requests:
            if request.audio is None:
                results.append(GenerationResult(stopped="no_input_audio"))
                continue
            text, _ = self.transcribe(
                loaded, request.audio, int(request.sample_rate or mimi.SAMPLE_RATE), settings
            )
            results.append(GenerationResult(text=text, stopped="end_of_audio"))
        return results

    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        from voxtune.models.kyutai_stt.tiny import build_tiny_stt

        return build_tiny_stt(folder, texts, audio=audio, seed=seed)

    def target_entropy(self, examples: Iterable[Example]) -> float | None:
        rows = [e.tensors["target"].numpy() for e in examples]
        if not rows:
            return None
        targets = np.concatenate(rows)
        return mimi.code_entropy(targets[:, None], int(targets.max()) + 1)

    def export(
        self,
        loaded: LoadedModel,
        folder: str | Path,
        *,
        format: str = "transformers",
        dtype: torch.dtype = torch.bfloat16,
    ) -> list[Path]:
        """``transformers``: the folder (+ ``pause_heads.safetensors``); ``kyutai``: ``model.safetensors``
        in the naming kyutai's Rust server reads (pause heads as ``extra_heads.N``), the sentencepiece
        model when known, and ``moshi-server.toml`` to serve it."""
        from safetensors.torch import save_file

        folder = Path(folder)
        heads: PauseHeads | None = loaded.extras.get("pause_heads")
        if format == "transformers":
            written = super().export(loaded, folder, format=format, dtype=dtype)
            if heads is not None:
                tensors = {
                    k: v.detach().to("cpu", dtype).contiguous()
                    for k, v in heads.to_original_state_dict().items()
                }
                save_file(tensors, str(folder / PAUSE_HEADS_FILE), metadata={"format": "pt"})
            return sorted(set(written) | ({folder / PAUSE_HEADS_FILE} if heads is not None else set()))
        if format != "kyutai":
            return super().export(loaded, folder, format=format, dtype=dtype)
        from voxtune.models.kyutai.checkpoint import ORIGINAL_WEIGHTS_NAME, save_original_checkpoint
        from voxtune.models.kyutai.rust_server import stt_server_config, to_toml

        folder.mkdir(parents=True, exist_ok=True)
        weights = save_original_checkpoint(
            loaded.model, folder / ORIGINAL_WEIGHTS_NAME, dtype, extra_heads=heads
        )
        written = [weights]
        spm_model: Path | None = loaded.extras.get("spm_model")
        text_tokenizer = f"{SERVER_DEFAULTS['text_tokenizer_file']}"
        if spm_model is not None:
            target = folder / SPM_FILE
            target.write_bytes(spm_model.read_bytes())
            written.append(target)
            text_tokenizer = str(target.absolute())
        server = stt_server_config(
            loaded.model.config,
            lm_model_file=weights.absolute(),
            text_tokenizer_file=text_tokenizer,
            audio_tokenizer_file=SERVER_DEFAULTS["audio_tokenizer_file"],
            text_delay_seconds=float(loaded.extras.get("text_delay_seconds", 0.0)),
            frame_rate=float(loaded.extras["frame_rate"]),
            pause_heads=heads.num_heads if heads is not None else 0,
            pause_classes=PAUSE_CLASSES,
        )
        toml_path = folder / SERVER_CONFIG_FILE
        toml_path.write_text(to_toml(server), encoding="utf-8")
        written.append(toml_path)
        return written


SERVER_CONFIG_FILE = "moshi-server.toml"
SERVER_DEFAULTS = {
    "text_tokenizer_file": "hf://kyutai/stt-1b-en_fr-candle/tokenizer_en_fr_audio_8000.model",
    "audio_tokenizer_file": "hf://kyutai/stt-1b-en_fr-candle/mimi-pytorch-e351c8d8@125.safetensors",
}
"""Tokenizer files of kyutai's published stt-1b-en_fr server config, used when the model folder does not
hold its own sentencepiece model; voxtune does not convert the Mimi codec, whose published file serves
every Kyutai STT model."""


def _load_pause_heads(where: str, kwargs: Mapping[str, Any]) -> PauseHeads | None:
    from safetensors.torch import load_file

    local = Path(where) / PAUSE_HEADS_FILE
    if Path(where).is_dir():
        path = local if local.is_file() else None
    else:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

        try:
            path = Path(hf_hub_download(where, PAUSE_HEADS_FILE, revision=kwargs.get("revision")))
        except (EntryNotFoundError, LocalEntryNotFoundError, OSError):
            path = None
    if path is None:
        return None
    return PauseHeads.from_original_state_dict(load_file(str(path)))


def _unwrapped_config(model: nn.Module) -> Any:
    from voxtune.models.csm.loss import unwrap

    return unwrap(model).config


register_family(KyutaiSttFamily)
