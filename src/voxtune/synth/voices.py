"""Where synthetic speech comes from: a voice source offers speakers and speaks texts as one of them.

espeak-ng is the source that works out of the box (``EspeakVoices``). A trained voxtune model or
adapter plugs in as another ``VoiceSource``: its ``speakers`` come from the model's speaker prompts or
ids, its ``speak`` calls the model family's generate, and ``register_voice_source`` makes it
available to ``voxtune synthesize --voice NAME``. Sources must be picklable: jobs may run in worker
processes, and a source loads its model lazily in the process that speaks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from voxtune.errors import ConfigError


@dataclass(frozen=True)
class Variation:
    """How one utterance departs from its speaker's usual delivery."""

    speed: float = 1.0
    """Speaking-rate factor: 1.1 is 10 % faster (the utterance about 10 % shorter)."""
    pitch: float = 0.0
    """Shift of the voice's pitch in semitones."""


@dataclass(frozen=True)
class SynthSpeaker:
    """One speaker a source can produce; ``settings`` are the source's own (JSON-able) parameters."""

    id: str
    language: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpokenAudio:
    """Audio of one utterance (float32 mono in [-1, 1]) and, when the source knows them, word times."""

    audio: np.ndarray
    sample_rate: int
    words: list[tuple[str, float, float]] | None = None


class VoiceSource(ABC):
    """Something that can say texts in a language with several distinct speakers."""

    name: ClassVar[str]
    """Registry name and provenance label (``espeak``)."""
    isolate_jobs: ClassVar[bool] = False
    """True when each job must run in a fresh process to be reproducible (espeak-ng keeps state)."""

    @abstractmethod
    def speakers(self, language: str, count: int) -> list[SynthSpeaker]:
        """``count`` distinct speakers for ``language``; ConfigError when the source has fewer."""

    @abstractmethod
    def speak(
        self, texts: Sequence[str], speaker: SynthSpeaker, variations: Sequence[Variation], seed: int
    ) -> list[SpokenAudio]:
        """Say each text (already in spoken form) as ``speaker`` with its variation, in order."""

    def describe(self) -> dict[str, Any]:
        """What to record about the source as provenance (engine, version, model id, ...)."""
        return {"engine": self.name}


_SOURCES: dict[str, Callable[..., VoiceSource]] = {}
_BUILTIN_MODULES = ("voxtune.synth.espeak_voices",)


def register_voice_source(name: str, factory: Callable[..., VoiceSource]) -> None:
    """Make ``factory(**options)`` available as voice source ``name``."""
    _SOURCES[name] = factory


def voice_source(name: str, **options: Any) -> VoiceSource:
    """The registered voice source called ``name``, built with ``options``."""
    _load_builtin()
    if name not in _SOURCES:
        raise ConfigError(
            f"unknown voice source '{name}'", hint=f"Choose one of: {', '.join(sorted(_SOURCES))}"
        )
    return _SOURCES[name](**options)


def voice_source_names() -> list[str]:
    _load_builtin()
    return sorted(_SOURCES)


def _load_builtin() -> None:
    import importlib

    for module in _BUILTIN_MODULES:
        importlib.import_module(module)
