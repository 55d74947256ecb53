"""The models a suite scores with (ASR judges, language ID, speaker embedder, aligner, UTMOS, emotion),
loaded on first use. One that cannot load is recorded with the reason, and the metrics needing it are
counted as unscorable (code ``judge_unavailable``) instead of stopping the suite."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from voxtune.errors import ConfigError, VoxtuneError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.judges import Judge
from voxtune.evaluate.suite.config import JudgesSpec

T = TypeVar("T")
ANY_LANGUAGE = "*"
_PENDING = object()


def build_asr_judge(spec: str, device: str = "cpu") -> Judge:
    """A judge from its config string: ``pocketsphinx``, ``pocketsphinx-digits`` or ``whisper:MODEL``."""
    if spec == "pocketsphinx":
        from voxtune.evaluate.judges.pocketsphinx_judge import PocketsphinxJudge

        return PocketsphinxJudge("language_model")
    if spec == "pocketsphinx-digits":
        from voxtune.evaluate.judges.pocketsphinx_judge import PocketsphinxJudge

        return PocketsphinxJudge("digits")
    if spec.startswith("whisper:"):
        from voxtune.evaluate.judges.whisper_judge import WhisperJudge

        return WhisperJudge(spec.split(":", 1)[1], device=device)
    raise ConfigError(
        f"unknown ASR judge {spec!r}", hint="Use pocketsphinx, pocketsphinx-digits or whisper:<model>"
    )


class Judges:
    """Lazily loaded scoring models; ``status`` says, per judge, ``loaded`` or why it is unavailable."""

    def __init__(self, spec: JudgesSpec, device: str = "cpu"):
        self.spec = spec
        self.device = device
        self._cache: dict[str, Any] = {}
        self.status: dict[str, str] = {}

    def _get(self, name: str, build: Callable[[], T]) -> T:
        """``build()`` once; a load failure (any VoxtuneError) raises UnscorableError every time."""
        value = self._cache.get(name, _PENDING)
        if value is _PENDING:
            try:
                value = build()
                self.status[name] = "loaded"
            except VoxtuneError as exc:
                value = exc
                self.status[name] = f"unavailable: {exc}"
            self._cache[name] = value
        if isinstance(value, VoxtuneError):
            raise UnscorableError("judge_unavailable", f"judge {name} could not be loaded: {value}")
        return value

    # -- ASR ---------------------------------------------------------------------------------------
    def asr_spec(self, language: str | None) -> str | None:
        asr = self.spec.asr
        if language is not None and language in asr:
            return asr[language]
        return asr.get(ANY_LANGUAGE)

    def has_asr(self, language: str | None) -> bool:
        return self.asr_spec(language) is not None

    def asr(self, language: str | None) -> Judge:
        """The judge for ``language``; UnscorableError ``no_judge`` when none is configured."""
        spec = self.asr_spec(language)
        if spec is None:
            raise UnscorableError("no_judge", f"no ASR judge is configured for language {language}")
        return self._get(f"asr {spec}", lambda: build_asr_judge(spec, self.device))

    # -- language ID -------------------------------------------------------------------------------
    @property
    def has_audio_language_id(self) -> bool:
        return self.spec.language_id is not None

    def audio_language_id(self) -> Any:
        from voxtune.evaluate.metrics.language_id import AudioLanguageIdentifier

        model = self.spec.language_id
        assert model is not None
        return self._get(f"language-id {model}", lambda: AudioLanguageIdentifier(model, self.device))

    def text_language_detector(self, candidates: Iterable[str]) -> Any:
        """lingua restricted to the ``candidates`` it knows (at least two of them)."""
        from voxtune.evaluate.metrics.language_id import TextLanguageDetector
        from voxtune.text.languages import LANGUAGES

        known = sorted({c for c in candidates if c in LANGUAGES and LANGUAGES[c].lingua})
        name = f"text language ID (lingua: {', '.join(known)})"
        return self._get(name, lambda: TextLanguageDetector(known))

    # -- the rest ----------------------------------------------------------------------------------
    def speaker_embedder(self) -> Any:
        from voxtune.speakers.embeddings import load_embedder

        spec = self.spec.speaker
        backend, _, model = spec.partition(":")
        return self._get(f"speaker {spec}", lambda: load_embedder(backend, model or None, device=self.device))

    @property
    def has_aligner(self) -> bool:
        return self.spec.aligner is not None

    def aligner(self) -> Any:
        from voxtune.align import CtcAligner

        model = self.spec.aligner
        assert model is not None
        return self._get(f"aligner {model}", lambda: CtcAligner.from_pretrained(model, device=self.device))

    @property
    def has_utmos(self) -> bool:
        return self.spec.utmos is not None

    def utmos(self) -> Any:
        from voxtune.evaluate.metrics.quality import UtmosScorer

        path = self.spec.utmos
        return self._get(f"utmos {path}", lambda: UtmosScorer(path, device=self.device))

    @property
    def has_emotion(self) -> bool:
        return self.spec.emotion is not None

    def emotion(self) -> Any:
        from voxtune.evaluate.metrics.emotion import EmotionClassifier

        model = self.spec.emotion
        assert model is not None
        return self._get(
            f"emotion {model}",
            lambda: EmotionClassifier(model, self.device, aliases=self.spec.emotion_aliases),
        )
