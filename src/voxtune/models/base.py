"""The model-family interface: what the trainer, merger, evaluator and server need from a model.

A family (CSM, Kyutai STT, Moshi, Kokoro, Whisper) subclasses ``ModelFamily`` once; everything else in
voxtune is written against this interface. The flow a trainer drives::

    loaded = family.load("sesame/csm-1b", dtype=..., device=...)      # or a local folder, same code
    encoder = family.item_encoder(loaded, settings, cache)             # corpus cut -> Example (cached)
    batch = family.collate([encoder.encode(cut) for cut in cuts])      # padded tensors
    out = family.loss(model, batch, settings, loss_weights=...)        # LossOutput(total, parts, tokens)
    family.generate(loaded, [GenerationRequest(text=..., speaker=...)])  # audio (TTS) or text (STT)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

import numpy as np
import torch
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from torch import nn

from voxtune.config import StrictModel

Task = Literal["tts", "stt", "speech_to_speech"]
Quantization = Literal["4bit", "8bit"]


@dataclass(frozen=True)
class ModelSource:
    """Where a base model came from: the reference the user gave and what pins its exact weights.

    ``revision`` is the hub commit for hub models; ``content_hash`` a hash of a local folder's weight
    files. Adapters record both so a registry can refuse to load an adapter onto different weights.
    """

    reference: str
    local_path: Path | None
    revision: str | None = None
    content_hash: str | None = None

    def pretrained_location(self) -> tuple[str, dict[str, Any]]:
        """What ``from_pretrained`` is given for this source: the local folder, or the hub id and the
        keyword arguments pinning its revision."""
        if self.revision is None:
            return str(self.local_path), {}
        return self.reference, {"revision": self.revision}

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "local_path": None if self.local_path is None else str(self.local_path),
            "revision": self.revision,
            "content_hash": self.content_hash,
        }


@dataclass
class LoadedModel:
    """A loaded base model: the module to adapt plus what turns data into its inputs and back.

    ``model`` holds every weight (for CSM the Mimi codec is inside it); ``frozen_prefixes`` names the
    sub-modules that are never adapted nor trained (the codec). ``tokenizer`` and ``codec`` are the
    family's text and audio front ends; ``extras`` holds anything else a family needs.
    """

    family: ModelFamily
    model: nn.Module
    tokenizer: Any
    source: ModelSource
    codec: nn.Module | None = None
    frozen_prefixes: tuple[str, ...] = ()
    sample_rate: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device


@dataclass
class Example:
    """One training item turned into model inputs (tensors without a batch axis).

    ``length`` is the number of sequence positions it takes (what batches are bucketed and capped by);
    ``targets`` how many positions carry a loss.
    """

    id: str
    tensors: dict[str, torch.Tensor]
    length: int
    targets: int


@dataclass
class Batch:
    """Collated examples: padded tensors plus the counts the trainer logs (tokens, padding)."""

    tensors: dict[str, torch.Tensor]
    ids: list[str]
    positions: int
    """Real (non-padding) positions in the batch."""
    padded_positions: int
    """Positions including padding (batch size x longest item)."""
    targets: int
    """Positions that carry a loss (tokens/s counts these)."""

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def padding_ratio(self) -> float:
        return 1.0 - self.positions / self.padded_positions if self.padded_positions else 0.0

    def to(self, device: torch.device | str) -> Batch:
        moved = {name: tensor.to(device, non_blocking=True) for name, tensor in self.tensors.items()}
        return Batch(moved, self.ids, self.positions, self.padded_positions, self.targets)


@dataclass
class LossOutput:
    """The objective to minimise and its named parts.

    ``total`` is the weighted sum the optimiser sees; ``parts`` are the unweighted components (and
    ``nll``, the mean negative log-likelihood per predicted token, comparable with the entropy of the
    target tokens); ``tokens`` counts the positions the loss covers.
    """

    total: torch.Tensor
    parts: dict[str, torch.Tensor]
    tokens: int


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate: for TTS ``text`` (+ speaker, language); for STT ``audio`` at ``sample_rate``;
    for speech-to-speech the user's ``audio`` (+ the speaker and ``emotion`` to answer in)."""

    text: str | None = None
    speaker: str | None = None
    language: str | None = None
    emotion: str | None = None
    audio: np.ndarray | None = None
    sample_rate: int | None = None


@dataclass
class GenerationResult:
    """One generated item: audio (TTS) and/or text (STT); ``stopped`` says why generation ended."""

    audio: np.ndarray | None = None
    sample_rate: int | None = None
    text: str | None = None
    stopped: str = ""
    """``end_of_audio`` (the model ended it), ``length_limit`` (cut at the cap), ``end_of_text``."""
    words: list[AlignmentItem] | None = None
    """STT: each transcribed word with its start and duration in seconds of the input audio."""


class ItemEncoder(Protocol):
    """Turns corpus cuts into Examples for one loaded model; expensive parts (codec) are cached."""

    limit: int
    """Longest sequence (positions) the model takes; longer items are split or rejected."""

    def length(self, cut: Cut) -> int:
        """Positions ``cut`` will take, estimated cheaply (no codec run)."""
        ...

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        """Model inputs for ``cut`` with ``context`` (earlier turns) as an unscored prompt.

        Raises ItemError for an item that cannot be used (no text, unreadable audio, too long).
        """
        ...


class FamilySettings(StrictModel):
    """Family-specific training settings (the ``family:`` block of a training config)."""


class ModelFamily(ABC):
    """One kind of model voxtune can adapt. Subclasses are registered by ``name``.

    ``model_types`` lists the ``model_type`` values in ``config.json`` that belong to this family,
    so a model folder's family can be detected. ``loss_parts`` names the parts of ``loss`` a config
    may weight; ``token_weight_tags`` the per-token tags it can up-weight (e.g. ``particle``).
    """

    name: ClassVar[str]
    task: ClassVar[Task]
    model_types: ClassVar[tuple[str, ...]]
    settings_class: ClassVar[type[FamilySettings]] = FamilySettings
    loss_parts: ClassVar[tuple[str, ...]] = ()
    token_weight_tags: ClassVar[tuple[str, ...]] = ()
    required_fields: ClassVar[tuple[str, ...]] = ()
    """Corpus fields every item needs (``text``, ``audio``), for a clear error before training."""

    @abstractmethod
    def load(
        self,
        reference: str | Path,
        *,
        dtype: torch.dtype | None = None,
        device: str | torch.device = "cpu",
        quantization: Quantization | None = None,
        revision: str | None = None,
    ) -> LoadedModel:
        """Load a base model from a hub id or a local folder (the same code for both)."""

    @abstractmethod
    def default_lora_targets(self, loaded: LoadedModel) -> str:
        """A regex (peft ``target_modules``, matched against full module names) of the layers LoRA
        adapts by default; it must not match anything under ``loaded.frozen_prefixes``."""

    @abstractmethod
    def item_encoder(
        self,
        loaded: LoadedModel,
        settings: FamilySettings,
        *,
        cache_dir: Path | None = None,
        speakers: Mapping[str, int] | None = None,
        token_weights: Mapping[str, float] | None = None,
    ) -> ItemEncoder:
        """The cut -> Example encoder for this model (codec outputs cached under ``cache_dir``).

        ``speakers`` maps corpus speaker names to the model's speaker ids; ``token_weights`` maps tags
        of ``token_weight_tags`` to loss weights for the tokens/frames carrying them."""

    @abstractmethod
    def collate(self, examples: Sequence[Example]) -> Batch:
        """Pad and stack examples into one batch."""

    @abstractmethod
    def loss(
        self,
        model: nn.Module,
        batch: Batch,
        settings: FamilySettings,
        *,
        loss_weights: Mapping[str, float] | None = None,
        training: bool = True,
    ) -> LossOutput:
        """The training objective on ``batch``; ``model`` may be wrapped by peft or DDP."""

    @abstractmethod
    def generate(
        self,
        loaded: LoadedModel,
        requests: Sequence[GenerationRequest],
        settings: FamilySettings,
        *,
        speakers: Mapping[str, int] | None = None,
        seed: int = 0,
    ) -> list[GenerationResult]:
        """Synthesise (TTS) or transcribe (STT) each request, for evaluation and serving."""

    streams_audio: ClassVar[bool] = False
    """Whether ``generate_incremental`` hands audio over while generating (else all at the end)."""

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
        """Synthesise one request, handing its audio to ``on_audio`` piece by piece as it is generated
        (for streaming servers); the pieces joined are the result's audio. An exception raised by
        ``on_audio`` stops generation and propagates. Families that generate everything at once (this
        default) hand the whole audio over in one piece."""
        (result,) = self.generate(loaded, [request], settings, speakers=speakers, seed=seed)
        if result.audio is not None and result.audio.size:
            on_audio(result.audio)
        return result

    @abstractmethod
    def build_tiny(
        self, folder: str | Path, texts: Sequence[str], *, audio: Iterable[np.ndarray] = (), seed: int = 0
    ) -> Path:
        """Write a tiny random model of this family (and a tokenizer trained on ``texts``) to ``folder``,
        loadable by ``load(folder)`` exactly like a real model; ``audio`` (at the family's sample rate)
        may be used to make the tiny codec's output informative."""

    def target_entropy(self, examples: Iterable[Example]) -> float | None:
        """Entropy (nats per token) of the target tokens' unigram distribution in ``examples``.

        A model whose loss (``parts["nll"]``) is not well below this has learnt nothing beyond token
        frequencies. None where it does not apply.
        """
        return None

    def speaker_ids(self, settings: FamilySettings, speakers: Iterable[str | None]) -> dict[str, int]:
        """The model's ids for the corpus speakers (for families that condition on a speaker id)."""
        return {}

    def prepare_for_corpus(
        self, loaded: LoadedModel, settings: FamilySettings, speakers: Mapping[str, int]
    ) -> None:
        """Add what the model needs for this corpus before any adapter wraps it or weights are loaded
        into it (Kokoro: one trainable voice table per speaker, new phoneme rows); once per run."""
        return None  # most families need nothing

    def context_turns(self, settings: FamilySettings) -> int:
        """How many earlier turns of a conversation an item is given as context (0: none)."""
        return 0

    def settings(self, data: Mapping[str, Any] | None) -> FamilySettings:
        """Validate a ``family:`` config block (plain pydantic; callers wrap errors with context)."""
        return self.settings_class.model_validate(dict(data or {}))

    def base_voices(self, loaded: LoadedModel) -> list[str]:
        """Voices the base model itself ships, by name (Kokoro's ``voices/*.pt``); a server offers them."""
        return []

    pickled_weights_restricted: ClassVar[bool] = False
    """True when the family reads pickled weight files only through torch's ``weights_only`` loader
    (tensors and plain containers, never code), so a server may load its ``.pth`` bases."""

    export_formats: ClassVar[tuple[str, ...]] = ("transformers",)
    """Formats ``export`` writes; ``transformers`` (a ``save_pretrained`` folder) is always one."""

    def export(
        self,
        loaded: LoadedModel,
        folder: str | Path,
        *,
        format: str = "transformers",
        dtype: torch.dtype = torch.bfloat16,
    ) -> list[Path]:
        """Write ``loaded`` (adapters already merged) as a standalone model in ``format`` and ``dtype``;
        return the files written. Families with their own formats (kyutai's naming) extend this."""
        from voxtune.errors import ConfigError
        from voxtune.models.saving import save_transformers_folder

        if format != "transformers":
            raise ConfigError(
                f"the {self.name} family cannot export '{format}'",
                hint=f"Formats it writes: {', '.join(self.export_formats)}",
            )
        return save_transformers_folder(loaded, folder, dtype)
