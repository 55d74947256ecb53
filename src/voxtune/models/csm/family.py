"""Sesame CSM-1B (transformers ``CsmForConditionalGeneration``) as a voxtune model family."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
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
from voxtune.models.csm import sequence
from voxtune.models.csm.generate import FrameBudget, synthesise, synthesise_incremental
from voxtune.models.csm.loss import PARTS, csm_loss, unwrap
from voxtune.models.csm.prompt import assign_speaker_ids, speaker_id, turn_text
from voxtune.models.csm.settings import CsmSettings
from voxtune.models.registry import register_family

# Attention and MLP projections of the backbone and the depth decoder; the Mimi codec inside the model
# has q_proj/k_proj/... too, so bare names like "q_proj" would adapt the codec as well.
LORA_TARGETS = (
    r"^(backbone_model|depth_decoder\.model)\.layers\.\d+\."
    r"(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)$"
)
CODEC_PREFIX = "codec_model"


class CsmItemEncoder:
    """Cut -> CSM training sequence: prompt tokens, cached Mimi codes, context turns, frame weights."""

    def __init__(
        self,
        loaded: LoadedModel,
        settings: CsmSettings,
        cache: CodecCache,
        speakers: Mapping[str, int],
        token_weights: Mapping[str, float],
    ):
        self.loaded = loaded
        self.settings = settings
        self.cache = cache
        self.speakers = dict(speakers)
        self.token_weights = dict(token_weights)
        config = loaded.model.config
        self.num_codebooks = int(config.num_codebooks)
        self.frame_rate = float(loaded.extras["frame_rate"])
        self.limit = int(settings.max_positions or config.max_position_embeddings)
        self.untagged = 0
        """Items that asked for tag weights but had no word timings or tags for them."""

    # -- text ----------------------------------------------------------------------------------
    def prompt_ids(self, cut: Cut) -> list[int]:
        sups = cut.supervisions
        text = " ".join((s.text or "").strip() for s in sups).strip()
        if not text:
            raise ItemError("empty_text", f"{cut.id} has no transcript (supervision text is empty)")
        first = sups[0]
        sid = speaker_id(first.speaker, self.speakers, self.settings.default_speaker)
        tokenizer = self.loaded.tokenizer
        body = turn_text(text, sid, first.language, language_tag=self.settings.language_tag)
        ids = tokenizer.encode(body, add_special_tokens=False)
        return [tokenizer.bos_token_id, *ids, tokenizer.eos_token_id]

    def length(self, cut: Cut) -> int:
        frames = math.ceil(cut.duration * self.frame_rate)
        return sequence.turn_positions(len(self.prompt_ids(cut)), frames)

    # -- audio ---------------------------------------------------------------------------------
    def codes(self, cut: Cut) -> np.ndarray:
        """Mimi codes ``(frames, codebooks)`` of the cut, from the cache when already encoded."""
        rate = self.loaded.sample_rate
        assert rate is not None
        source = cut.recording.sources[0].source if cut.has_recording else cut.id
        identity = (cut.id, str(source), round(cut.start, 6), round(cut.duration, 6), str(cut.channel))
        codec = self.loaded.codec
        codes = self.cache.codes_for(
            identity,
            lambda: cut_waveform(cut, rate, mono=True)[0],
            rate,
            lambda samples: mimi.encode(codec, samples, num_quantizers=self.num_codebooks),
        )
        return codes.T

    def _frame_weights(self, cut: Cut, frames: int) -> np.ndarray | None:
        weight = self.token_weights.get("particle")
        if not weight or weight == 1.0:
            return None
        sup = cut.supervisions[0]
        words = (sup.alignment or {}).get(fields.WORD_ALIGNMENT)
        particles = (sup.custom or {}).get(fields.PARTICLES)
        if not words or not particles or len(words) != len(particles):
            self.untagged += 1
            return None
        spans = [
            (item.start, item.end, float(weight))
            for item, particle in zip(words, particles, strict=True)
            if particle
        ]
        return sequence.frame_weights(frames, self.frame_rate, spans)

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        prompt = self.prompt_ids(cut)
        codes = self.codes(cut)
        own = sequence.Turn(prompt, codes, scored=True, frame_weights=self._frame_weights(cut, len(codes)))
        used = sequence.turn_positions(len(prompt), len(codes))
        if used > self.limit:
            raise ItemError(
                "too_long",
                f"{cut.id} takes {used} positions ({cut.duration:.1f} s of audio + text), more than "
                f"the model's context of {self.limit}",
                positions=used,
                limit=self.limit,
            )
        turns = [own]
        recent = list(context)[-self.settings.context_turns :] if self.settings.context_turns else []
        for earlier in reversed(recent):  # nearest first, until the context is full
            try:
                ids, frames = self.prompt_ids(earlier), self.codes(earlier)
            except ItemError:
                break  # an unusable earlier turn ends the context
            size = sequence.turn_positions(len(ids), len(frames))
            if used + size > self.limit:
                break
            turns.insert(0, sequence.Turn(ids, frames, scored=False))
            used += size
        return sequence.build_example(cut.id, turns, self.num_codebooks)


class CsmFamily(ModelFamily):
    name = "csm"
    task = "tts"
    model_types = ("csm",)
    settings_class = CsmSettings
    loss_parts = PARTS
    token_weight_tags = ("particle",)
    required_fields = ("text", "audio")

    def load(
        self,
        reference: str | Path,
        *,
        dtype: torch.dtype | None = None,
        device: str | torch.device = "cpu",
        quantization: Quantization | None = None,
        revision: str | None = None,
    ) -> LoadedModel:
        from transformers import CsmForConditionalGeneration

        from voxtune.models.source import load_pretrained

        kwargs: dict[str, Any] = {"dtype": dtype or torch.float32}
        if quantization is not None:
            kwargs["quantization_config"] = _quantization_config(quantization)
            kwargs["device_map"] = {"": torch.device(device)}
        source, model, tokenizer = load_pretrained(
            self, reference, revision, CsmForConditionalGeneration, what="CSM", **kwargs
        )
        if tokenizer.bos_token_id is None or tokenizer.eos_token_id is None:
            raise InputError(
                "the model's tokenizer has no bos/eos tokens, which CSM prompts need",
                path=source.local_path,
            )
        if quantization is None:
            model.to(device)
        codec = model.codec_model.eval()
        codec.requires_grad_(False)
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
                "codebook_size": int(model.config.codec_config.codebook_size),
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
    ) -> CsmItemEncoder:
        assert isinstance(settings, CsmSettings)
        assert loaded.codec is not None
        cache = CodecCache.for_codec(loaded.codec, loaded.model.config.codec_config.to_dict(), cache_dir)
        return CsmItemEncoder(loaded, settings, cache, speakers or settings.speaker_ids, token_weights or {})

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
        assert isinstance(settings, CsmSettings)
        return csm_loss(
            model,
            batch,
            depth_decoder_ratio=settings.depth_decoder_ratio,
            loss_weights=loss_weights,
            training=training,
        )

    streams_audio = True

    def _prompt(
        self, loaded: LoadedModel, request: GenerationRequest, settings: CsmSettings, ids: Mapping[str, int]
    ) -> list[int]:
        """Token ids ``<bos>[speaker]<lang:xx>text<eos>`` of one request."""
        if not request.text:
            raise InputError("CSM generates speech from text; a request has no text")
        if request.speaker is not None and request.speaker not in ids and not request.speaker.isdigit():
            raise InputError(
                f"unknown speaker '{request.speaker}'",
                hint=f"Known speakers: {', '.join(sorted(ids)) or 'none'} (or a number)",
            )
        sid = speaker_id(request.speaker, ids, settings.default_speaker)
        body = turn_text(request.text, sid, request.language, language_tag=settings.language_tag)
        tokenizer = loaded.tokenizer
        return [
            tokenizer.bos_token_id,
            *tokenizer.encode(body, add_special_tokens=False),
            tokenizer.eos_token_id,
        ]

    def generate(
        self,
        loaded: LoadedModel,
        requests: Sequence[GenerationRequest],
        settings: FamilySettings,
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> list[GenerationResult]:
        assert isinstance(settings, CsmSettings)
        ids = dict(speakers or settings.speaker_ids)
        prompts = [self._prompt(loaded, request, settings, ids) for request in requests]
        texts = [str(request.text) for request in requests]
        core = unwrap(loaded.model)
        budget = FrameBudget(
            loaded.extras["frame_rate"], settings.seconds_per_character, settings.max_seconds
        )
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return synthesise(
                core,
                prompts,
                texts,
                budget=budget,
                codebook_size=loaded.extras["codebook_size"],
                temperature=settings.temperature,
                top_k=settings.top_k,
                trim_top_db=settings.trim_top_db,
                sample_rate=int(loaded.sample_rate or mimi.SAMPLE_RATE),
            )

    def generate_incremental(
        self,
        loaded: LoadedModel,
        request: GenerationRequest,
        settings: FamilySettings,
        on_audio: Callable[[np.ndarray], None],
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> GenerationResult:
        """Frame by frame: the first audio after 4 frames, then in growing pieces (see
        ``synthesise_incremental``); the same frames as ``generate`` with the same seed, untrimmed."""
        assert isinstance(settings, CsmSettings)
        prompt = self._prompt(loaded, request, settings, dict(speakers or settings.speaker_ids))
        budget = FrameBudget(
            loaded.extras["frame_rate"], settings.seconds_per_character, settings.max_seconds
        )
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return synthesise_incremental(
                unwrap(loaded.model),
                prompt,
                str(request.text),
                on_audio,
                budget=budget,
                codebook_size=loaded.extras["codebook_size"],
                temperature=settings.temperature,
                top_k=settings.top_k,
                sample_rate=int(loaded.sample_rate or mimi.SAMPLE_RATE),
            )

    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        from voxtune.models.csm.tiny import build_tiny_csm

        return build_tiny_csm(folder, texts, audio=audio, seed=seed)

    def speaker_ids(self, settings: FamilySettings, speakers: Iterable[str | None]) -> dict[str, int]:
        assert isinstance(settings, CsmSettings)
        return assign_speaker_ids(speakers, settings.speaker_ids)

    def context_turns(self, settings: FamilySettings) -> int:
        assert isinstance(settings, CsmSettings)
        return settings.context_turns

    def target_entropy(self, examples: Iterable[Example]) -> float | None:
        rows = [e.tensors["codes"][e.tensors["target"]].numpy() for e in examples]
        if not rows:
            return None
        codes = np.concatenate(rows)
        return mimi.code_entropy(codes, int(codes.max()) + 1)


def _quantization_config(quantization: Quantization) -> Any:
    if not torch.cuda.is_available():
        raise ConfigError(
            f"{quantization} loading needs a CUDA GPU (bitsandbytes)",
            hint="Remove model.quantization on this machine, or run where a GPU is present",
        )
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise ConfigError(
            f"{quantization} loading needs bitsandbytes", hint="pip install 'voxtune[quant]'"
        ) from None
    from transformers import BitsAndBytesConfig

    skip = [CODEC_PREFIX, "lm_head", "codebooks_head", "embed_tokens", "embed_text_tokens"]
    if quantization == "4bit":
        return BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16,
            llm_int8_skip_modules=skip,
        )
    return BitsAndBytesConfig(load_in_8bit=True, llm_int8_skip_modules=skip)


register_family(CsmFamily)
