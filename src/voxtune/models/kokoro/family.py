"""Kokoro-82M (the ``kokoro`` package's ``KModel``) as a voxtune model family.

``load`` reads a Kokoro folder or hub id into a ``KokoroTrainable``; ``prepare_for_corpus`` gives it the
corpus's voices (one trainable table per speaker) and the new language's symbols; the loss is the
sum of the duration, F0, energy and waveform losses (optionally adversarial); ``generate`` speaks text
with the model's own durations. Full fine-tuning saves a Kokoro folder directly; LoRA adapters are
merged into one by ``voxtune.models.kokoro.export``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from voxtune.errors import ConfigError, InputError
from voxtune.models.base import (
    Batch,
    FamilySettings,
    GenerationRequest,
    GenerationResult,
    LoadedModel,
    LossOutput,
    ModelFamily,
    ModelSource,
    Quantization,
)
from voxtune.models.codec_cache import default_cache_root
from voxtune.models.kokoro.checkpoint import KokoroFiles, kokoro_files, load_kmodel
from voxtune.models.kokoro.discriminators import AdversarialTraining
from voxtune.models.kokoro.encoder import DEFAULT_VOICE, KokoroItemEncoder, TargetCache, collate, symbol_table
from voxtune.models.kokoro.losses import (
    MelLoss,
    MultiResolutionSTFTLoss,
    duration_losses,
    energy_loss,
    f0_loss,
)
from voxtune.models.kokoro.settings import KokoroSettings
from voxtune.models.kokoro.timing import text_phonemes
from voxtune.models.kokoro.trainable import KokoroTrainable, frame_windows
from voxtune.models.kokoro.vocabulary import KokoroVocabulary, PhonemeError, add_symbol_rows, phrase_chunks
from voxtune.models.kokoro.voicepack import check_voice_pack, load_voice_pack
from voxtune.models.registry import register_family
from voxtune.models.source import folder_content_hash

# ALBERT's projections, the duration head, every style-conditioning layer (AdaIN / AdaLayerNorm fc),
# both symbol embeddings (so new symbols' rows train) and the voice tables' anchors.
LORA_TARGETS = (
    r"kokoro\.("
    r"bert\.encoder\.(embedding_hidden_mapping_in|albert_layer_groups\.\d+\.albert_layers\.\d+\."
    r"(attention\.(query|key|value|dense)|ffn|ffn_output))"
    r"|bert\.embeddings\.word_embeddings|text_encoder\.embedding|bert_encoder"
    r"|predictor\.duration_proj\.linear_layer|(predictor|decoder)\..*\.fc"
    r")|voice_bank\.tables\.\d+\.anchors"
)
LOSS_PARTS = ("duration_ce", "duration_l1", "f0", "energy", "stft", "mel", "adversarial", "feature_matching")
DEFAULT_LOSS_WEIGHTS = {
    "duration_ce": 20.0,  # StyleTTS2's lambda_ce
    "duration_l1": 1.0,
    "f0": 1.0,
    "energy": 1.0,
    "stft": 5.0,  # StyleTTS2's lambda_mel, which weights its multi-resolution STFT loss
    "mel": 1.0,
    "adversarial": 1.0,
    "feature_matching": 1.0,
}


def unwrap(model: nn.Module) -> KokoroTrainable:
    """The KokoroTrainable under DDP / peft wrappers."""
    while hasattr(model, "module") and isinstance(model.module, nn.Module):
        model = model.module
    if hasattr(model, "get_base_model"):
        model = model.get_base_model()
    if not isinstance(model, KokoroTrainable):
        raise TypeError(f"expected a Kokoro model, got {type(model).__name__}")
    return model


class KokoroFamily(ModelFamily):
    name = "kokoro"
    pickled_weights_restricted = True  # KModel and the voice packs load with torch.load(weights_only=True)
    task = "tts"
    model_types = ("kokoro",)
    settings_class = KokoroSettings
    loss_parts = LOSS_PARTS
    required_fields = ("text", "audio")

    def __init__(self) -> None:
        self._waveform_losses: dict[str, tuple[MultiResolutionSTFTLoss, MelLoss]] = {}

    # -- loading -----------------------------------------------------------------------------
    def load(
        self,
        reference: str | Path,
        *,
        dtype: torch.dtype | None = None,
        device: str | torch.device = "cpu",
        quantization: Quantization | None = None,
        revision: str | None = None,
    ) -> LoadedModel:
        """Kokoro in float32 whatever ``dtype`` asks (82 M parameters; its inverse STFT needs float32)."""
        if quantization is not None:
            raise ConfigError(
                "Kokoro is not loaded quantized (82 M parameters fit anywhere)",
                hint="Remove model.quantization",
            )
        files = kokoro_files(reference, revision)
        config = files.read_config()
        model = KokoroTrainable(load_kmodel(files, config), config).to(device)
        local = files.revision is None
        source = ModelSource(
            str(reference),
            files.folder,
            revision=files.revision,
            content_hash=folder_content_hash(files.folder) if local else None,
        )
        return LoadedModel(
            family=self,
            model=model,
            tokenizer=KokoroVocabulary.from_config(config),
            source=source,
            sample_rate=model.geometry.sample_rate,
            extras={"files": files},
        )

    def speaker_ids(self, settings: FamilySettings, speakers: Iterable[str | None]) -> dict[str, int]:
        """One voice table per corpus speaker, in order of first appearance (``default`` for none)."""
        ids: dict[str, int] = {}
        for speaker in speakers:
            ids.setdefault(speaker or DEFAULT_VOICE, len(ids))
        return ids

    def prepare_for_corpus(
        self, loaded: LoadedModel, settings: FamilySettings, speakers: Mapping[str, int]
    ) -> None:
        """Map or add the symbols Kokoro lacks and give every speaker a voice table (once)."""
        assert isinstance(settings, KokoroSettings)
        core = unwrap(loaded.model)
        if core.prepared:
            return
        base = KokoroVocabulary.from_config(core.config)
        table = symbol_table(settings)
        plan = base.plan(Counter(dict.fromkeys(table, 0)), settings.new_symbols, table)
        if settings.new_symbols == "new_rows":
            add_symbol_rows(core.kokoro, base, plan.added)
        vocabulary = base.apply(plan)
        core.kokoro.vocab = dict(vocabulary.vocab)
        core.config["vocab"] = dict(vocabulary.vocab)
        loaded.tokenizer = vocabulary
        start = self._initial_voice(loaded, settings).to(next(core.parameters()).device)
        for name in sorted(speakers, key=speakers.__getitem__) or [DEFAULT_VOICE]:
            core.voice_bank.add(name, start, settings.voice_anchors)
        core.voice_names = {name: settings.voice_names.get(name, name) for name in core.voice_bank.names}
        core.prepared = True

    def _initial_voice(self, loaded: LoadedModel, settings: KokoroSettings) -> torch.Tensor:
        files: KokoroFiles = loaded.extras["files"]
        if settings.voice_init:
            return files.voice(settings.voice_init)
        names = files.voice_names()
        if not names:
            raise ConfigError(
                f"the model {loaded.source.reference} has no voices/ folder to start voice tables from",
                hint="Set family.voice_init to a voice of the base model (e.g. am_michael) or a .pt file",
            )
        return torch.stack([files.voice(name) for name in names]).mean(dim=0)

    def default_lora_targets(self, loaded: LoadedModel) -> str:
        return LORA_TARGETS

    # -- data --------------------------------------------------------------------------------
    def item_encoder(
        self,
        loaded: LoadedModel,
        settings: FamilySettings,
        *,
        cache_dir: Path | None = None,
        speakers: Mapping[str, int] | None = None,
        token_weights: Mapping[str, float] | None = None,
    ) -> KokoroItemEncoder:
        assert isinstance(settings, KokoroSettings)
        core = unwrap(loaded.model)
        if not core.prepared:
            self.prepare_for_corpus(loaded, settings, speakers or {})
        voices = {name: core.voice_bank.index(name) for name in core.voice_bank.names}
        cache = TargetCache(cache_dir if cache_dir is not None else default_cache_root())
        return KokoroItemEncoder(loaded.tokenizer, core.geometry, settings, voices, cache)

    def collate(self, examples: Sequence[Any]) -> Batch:
        return collate(examples)

    # -- training ------------------------------------------------------------------------------
    def _losses_on(self, device: torch.device) -> tuple[MultiResolutionSTFTLoss, MelLoss]:
        key = str(device)
        if key not in self._waveform_losses:
            self._waveform_losses[key] = (MultiResolutionSTFTLoss(), MelLoss().to(device))
        return self._waveform_losses[key]

    def loss(
        self,
        model: nn.Module,
        batch: Batch,
        settings: FamilySettings,
        *,
        loss_weights: Mapping[str, float] | None = None,
        training: bool = True,
    ) -> LossOutput:
        assert isinstance(settings, KokoroSettings)
        core = unwrap(model)
        core.freeze(settings.freeze)
        t = batch.tensors
        out = model(
            t["input_ids"],
            t["input_lengths"],
            t["durations"],
            t["speakers"],
            t["f0"],
            t["energy"],
            teacher_f0=settings.teacher_f0,
            window=settings.decoder_window,
        )
        hop = core.geometry.duration_hop
        target = frame_windows(t["audio"], out.window_start * hop, out.window * hop)
        stft, mel = self._losses_on(target.device)
        with torch.autocast(target.device.type, enabled=False):  # spectra and logs in float32
            duration_ce, duration_l1 = duration_losses(out.duration_logits, t["durations"], out.token_mask)
            parts = {
                "duration_ce": duration_ce,
                "duration_l1": duration_l1,
                "f0": f0_loss(out.f0, t["f0"], out.frame_mask),
                "energy": energy_loss(out.noise, t["energy"], out.frame_mask),
                "stft": stft(out.audio, target),
                "mel": mel(out.audio, target),
            }
            if settings.adversarial:
                adversary = self._adversary(core, settings, target.device)
                if training:
                    parts["discriminator"] = adversary.discriminator_step(target, out.audio)
                parts["adversarial"], parts["feature_matching"] = adversary.generator_losses(
                    target, out.audio
                )
        weights = {**DEFAULT_LOSS_WEIGHTS, **dict(loss_weights or {})}
        total = sum(weights[name] * value for name, value in parts.items() if name in weights)
        assert isinstance(total, torch.Tensor)
        return LossOutput(total, parts, tokens=int(t["input_lengths"].sum()))

    def _adversary(
        self, core: KokoroTrainable, settings: KokoroSettings, device: torch.device
    ) -> AdversarialTraining:
        """The discriminators of ``core``, created on first use."""
        if core.adversary is None:
            core.adversary = AdversarialTraining(lr=settings.discriminator_lr).to(device)
        return core.adversary

    # -- generation ----------------------------------------------------------------------------
    def base_voices(self, loaded: LoadedModel) -> list[str]:
        return loaded.extras["files"].voice_names()

    def _voice(self, loaded: LoadedModel, speaker: str | None) -> torch.Tensor:
        core = unwrap(loaded.model)
        packs = {
            name: table for name, table in zip(core.voice_bank.names, core.voice_bank.tables, strict=True)
        }
        exported = {core.voice_names.get(name, name): name for name in core.voice_bank.names}
        if speaker is None and core.voice_bank.names:
            return packs[core.voice_bank.names[0]].pack()
        if speaker in packs or speaker in exported:
            return packs[speaker if speaker in packs else exported[speaker]].pack()
        if speaker and speaker.endswith(".pt"):
            return load_voice_pack(speaker)
        files: KokoroFiles = loaded.extras["files"]
        if speaker and speaker in files.voice_names():
            return files.voice(speaker)
        known = sorted({*packs, *exported, *files.voice_names()})
        raise InputError(
            f"unknown voice '{speaker}'", hint=f"Voices: {', '.join(known) or 'none'} (or a .pt file)"
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
        assert isinstance(settings, KokoroSettings)
        core = unwrap(loaded.model)
        if not core.prepared:
            self.prepare_for_corpus(loaded, settings, speakers or {})
        vocabulary: KokoroVocabulary = loaded.tokenizer
        device = next(core.parameters()).device
        frames_cap = int(settings.max_seconds * core.geometry.sample_rate / core.geometry.duration_hop)
        results = []
        was_training = core.training
        core.eval()
        try:
            with torch.random.fork_rng(devices=[]):
                for request in requests:
                    torch.manual_seed(seed)  # each request as if alone: the harmonic source draws noise
                    if not request.text:
                        raise InputError("Kokoro speaks text; a request has no text")
                    language = request.language or settings.language or "en"
                    pack = check_voice_pack(self._voice(loaded, request.speaker)).to(device)
                    phonemes = text_phonemes(request.text, language, punctuation=settings.punctuation)
                    pieces, budget, stopped = [], frames_cap, "end_of_text"
                    for chunk in phrase_chunks(phonemes, core.geometry.max_phonemes):
                        try:
                            ids = vocabulary.ids(chunk)
                        except PhonemeError as exc:
                            raise InputError(f"cannot speak '{request.text}': {exc.reason}") from None
                        if not ids:
                            continue
                        if budget <= 0:
                            stopped = "length_limit"
                            break
                        tokens = torch.tensor([[0, *ids, 0]], device=device)
                        audio, durations = core.synthesise(
                            tokens, pack[len(ids) - 1], speed=settings.speed, max_frames=budget
                        )
                        if int(durations.sum()) >= budget:
                            stopped = "length_limit"
                        budget -= int(durations.sum())
                        pieces.append(audio.cpu().numpy())
                    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
                    results.append(GenerationResult(audio, core.geometry.sample_rate, stopped=stopped))
        finally:
            core.train(was_training)
        return results

    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        """A tiny random Kokoro (Kokoro reads phoneme characters, so there is no tokenizer to learn
        from ``texts``, and its decoder has no codec to fit to ``audio``)."""
        from voxtune.models.kokoro.tiny import build_tiny_kokoro

        return build_tiny_kokoro(folder, seed=seed)


register_family(KokoroFamily)
