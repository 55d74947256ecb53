"""A test-only STT family: a tiny random wav2vec2 CTC model behind the ModelFamily interface.

No STT family (Kyutai STT, Whisper) has landed on main yet, so the server's transcription endpoint is
tested with this one. It is a real family — transformers loading by folder, LoRA targets, CTC loss,
greedy decoding with word times from the tokenizer's offsets — over a model small enough for tests.
Importing this module registers it as ``test_ctc`` (model type ``wav2vec2``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from torch import nn

from support.tiny_ctc import LETTERS, save_tiny_ctc_model
from voxtune.audio.convert import resample
from voxtune.errors import InputError, ItemError
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
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.registry import check_family, register_family
from voxtune.models.source import resolve_model

SAMPLE_RATE = 16000
LORA_TARGETS = (
    r"^wav2vec2\.encoder\.layers\.\d+\."
    r"(attention\.(q|k|v|out)_proj|feed_forward\.(intermediate|output)_dense)$"
)


class CtcEncoder:
    def __init__(self, loaded: LoadedModel):
        self.loaded = loaded
        self.limit = 10**9

    def length(self, cut: Cut) -> int:
        return int(cut.duration * SAMPLE_RATE)

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        text = " ".join((s.text or "") for s in cut.supervisions).strip().lower()
        if not text:
            raise ItemError("empty_text", f"{cut.id} has no transcript")
        audio = cut_waveform(cut, SAMPLE_RATE, mono=True)[0]
        labels = self.loaded.tokenizer.tokenizer(text).input_ids
        tensors = {"input_values": torch.as_tensor(audio), "labels": torch.as_tensor(labels)}
        return Example(cut.id, tensors, len(audio), len(labels))


@register_family
class TinyCtcFamily(ModelFamily):
    name = "test_ctc"
    task = "stt"
    model_types = ("wav2vec2",)
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
        from transformers import Wav2Vec2ForCTC, Wav2Vec2Processor

        check_family(self, reference, revision)
        source, _ = resolve_model(reference, revision)
        model = Wav2Vec2ForCTC.from_pretrained(str(source.local_path), dtype=dtype or torch.float32)
        processor = Wav2Vec2Processor.from_pretrained(str(source.local_path))
        model.to(device).eval()
        return LoadedModel(
            family=self, model=model, tokenizer=processor, source=source, sample_rate=SAMPLE_RATE
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
    ) -> CtcEncoder:
        return CtcEncoder(loaded)

    def collate(self, examples: Sequence[Example]) -> Batch:
        longest = max(e.tensors["input_values"].numel() for e in examples)
        labels_longest = max(e.tensors["labels"].numel() for e in examples)
        values = torch.zeros(len(examples), longest)
        mask = torch.zeros(len(examples), longest, dtype=torch.long)
        labels = torch.full((len(examples), labels_longest), -100, dtype=torch.long)
        for row, example in enumerate(examples):
            n, m = example.tensors["input_values"].numel(), example.tensors["labels"].numel()
            values[row, :n] = example.tensors["input_values"]
            mask[row, :n] = 1
            labels[row, :m] = example.tensors["labels"]
        positions = sum(e.length for e in examples)
        return Batch(
            {"input_values": values, "attention_mask": mask, "labels": labels},
            [e.id for e in examples],
            positions,
            longest * len(examples),
            sum(e.targets for e in examples),
        )

    def loss(
        self,
        model: nn.Module,
        batch: Batch,
        settings: FamilySettings,
        *,
        loss_weights: Mapping[str, float] | None = None,
        training: bool = True,
    ) -> LossOutput:
        out = model(**batch.tensors)
        return LossOutput(out.loss, {"ctc": out.loss.detach()}, batch.targets)

    def generate(
        self,
        loaded: LoadedModel,
        requests: Sequence[GenerationRequest],
        settings: FamilySettings,
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> list[GenerationResult]:
        processor = loaded.tokenizer
        ratio = int(loaded.model.config.inputs_to_logits_ratio)
        results = []
        for request in requests:
            if request.audio is None or request.sample_rate is None:
                raise InputError("this model transcribes audio; a request has none")
            audio = resample(np.asarray(request.audio, dtype=np.float32), request.sample_rate, SAMPLE_RATE)
            if len(audio) < ratio * 2:
                raise ItemError(
                    "audio_too_short", f"{len(audio) / SAMPLE_RATE:.3f} s is too short to transcribe"
                )
            inputs = processor(audio, sampling_rate=SAMPLE_RATE, return_tensors="pt")
            with torch.no_grad():
                logits = loaded.model(inputs.input_values.to(loaded.device)).logits
            decoded = processor.tokenizer.decode(logits.argmax(-1)[0], output_word_offsets=True)
            words = [
                AlignmentItem(
                    symbol=w["word"],
                    start=float(w["start_offset"]) * ratio / SAMPLE_RATE,
                    duration=float(w["end_offset"] - w["start_offset"]) * ratio / SAMPLE_RATE,
                )
                for w in decoded.word_offsets
            ]
            results.append(GenerationResult(text=decoded.text, stopped="end_of_audio", words=words))
        return results

    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        from transformers import Wav2Vec2ForCTC

        folder = save_tiny_ctc_model(Path(folder), LETTERS, layers=2)
        model = Wav2Vec2ForCTC.from_pretrained(folder)
        with torch.no_grad():  # random logits may favour <unk>: let letters and the blank win instead
            model.lm_head.bias[1:4] = -10.0  # <s>, </s>, <unk>
        model.save_pretrained(folder)
        return folder
