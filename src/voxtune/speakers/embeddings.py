"""Speaker embeddings: one fixed-size, L2-normalised vector per clip, from a swappable backend.

Every backend shares the same input checks (mono, finite, long enough, not silent) and resampling,
so a clip that cannot be embedded is rejected the same way whichever model is used: with a
``SpeakerEmbeddingError`` carrying a stable ``code`` for the pipeline's rejection ledger.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soxr

from voxtune.errors import ConfigError, ItemError

SILENCE_RMS = 1e-4
"""RMS (full scale 1.0) below which a clip is silent: -80 dBFS, far below any recorded voice."""

BACKENDS = ("resemblyzer", "xvector")


class SpeakerEmbeddingError(ItemError):
    """One clip cannot give a speaker embedding (too short, silent, broken samples)."""


@dataclass(frozen=True)
class EmbeddedClips:
    """Result of embedding a batch where some clips may be unusable.

    ``embeddings[k]`` belongs to input clip ``indices[k]``; ``rejections`` maps the index of every
    other input clip to the reason it was left out.
    """

    embeddings: np.ndarray
    indices: np.ndarray
    rejections: dict[int, SpeakerEmbeddingError] = field(default_factory=dict)


def to_mono(audio: np.ndarray) -> np.ndarray:
    """Return float32 mono samples; 2-D input is (channels, samples), as lhotse stores it."""
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=0)
    if samples.ndim != 1:
        raise ValueError(f"audio must be 1-D (samples) or 2-D (channels, samples), got shape {samples.shape}")
    return samples


class SpeakerEmbedder(ABC):
    """A model that maps a clip of speech to a unit vector; nearby vectors mean similar voices.

    Subclasses set ``sample_rate`` (what the model consumes), ``dim`` (embedding size),
    ``min_seconds`` (shortest clip accepted) and ``name``, and implement ``_embed_prepared``.
    """

    name: str
    sample_rate: int
    dim: int
    min_seconds: float

    def embed(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        """Embed one clip; raises ``SpeakerEmbeddingError`` if it is too short, silent or broken."""
        return self.embed_many([audio], sample_rate)[0]

    def embed_many(self, clips: Sequence[np.ndarray], sample_rate: int | Sequence[int]) -> np.ndarray:
        """Embed clips in batches; returns (n, dim) float32 rows of unit length.

        Raises ``SpeakerEmbeddingError`` for the first unusable clip (``details["index"]`` says
        which); use ``embed_where_possible`` to skip such clips instead.
        """
        rates = _rates_for(clips, sample_rate)
        prepared = []
        for index, (clip, rate) in enumerate(zip(clips, rates, strict=True)):
            try:
                prepared.append(self.prepare(clip, rate))
            except SpeakerEmbeddingError as exc:
                exc.details["index"] = index
                raise
        if not prepared:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows, usable = _unit_rows(self._embed_prepared(prepared))
        if not usable.all():
            raise _degenerate(int(np.argmin(usable)))
        return rows

    def embed_where_possible(
        self, clips: Sequence[np.ndarray], sample_rate: int | Sequence[int]
    ) -> EmbeddedClips:
        """Embed every usable clip and report the others: one bad segment must not stop a file."""
        rates = _rates_for(clips, sample_rate)
        prepared, kept, rejections = [], [], {}
        for index, (clip, rate) in enumerate(zip(clips, rates, strict=True)):
            try:
                prepared.append(self.prepare(clip, rate))
                kept.append(index)
            except SpeakerEmbeddingError as exc:
                exc.details["index"] = index
                rejections[index] = exc
        if not prepared:
            return EmbeddedClips(np.zeros((0, self.dim), dtype=np.float32), np.zeros(0, np.int64), rejections)
        rows, usable = _unit_rows(self._embed_prepared(prepared))
        kept_array = np.asarray(kept, dtype=np.int64)
        for index in kept_array[~usable]:
            rejections[int(index)] = _degenerate(int(index))
        return EmbeddedClips(rows[usable], kept_array[usable], dict(sorted(rejections.items())))

    def prepare(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        """Check one clip and resample it to the model's rate (mono float32)."""
        samples = to_mono(audio)
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        if not np.all(np.isfinite(samples)):
            raise SpeakerEmbeddingError("non_finite_audio", "audio contains NaN or infinite samples")
        seconds = len(samples) / sample_rate
        if seconds < self.min_seconds:
            raise SpeakerEmbeddingError(
                "too_short_for_speaker_embedding",
                f"clip lasts {seconds:.3f} s, shorter than the {self.min_seconds:.2f} s "
                f"that {self.name} speaker embeddings need",
                seconds=seconds,
                minimum_seconds=self.min_seconds,
            )
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
        if rms < SILENCE_RMS:
            level = -np.inf if rms == 0 else 20 * np.log10(rms)
            raise SpeakerEmbeddingError(
                "silent_audio",
                f"clip is silent (RMS {level:.1f} dBFS), no voice to embed",
                rms_dbfs=level,
            )
        if sample_rate != self.sample_rate:
            samples = soxr.resample(samples, sample_rate, self.sample_rate, quality="HQ")
        return np.ascontiguousarray(samples, dtype=np.float32)

    @abstractmethod
    def _embed_prepared(self, clips: list[np.ndarray]) -> np.ndarray:
        """Embed clips already checked and resampled by ``prepare``; returns (n, dim) rows."""


def load_embedder(
    backend: str = "resemblyzer", model: str | Path | None = None, *, device: str = "cpu"
) -> SpeakerEmbedder:
    """Build the embedder a config names: ``resemblyzer`` (offline default) or ``xvector``.

    ``model`` is, for ``xvector``, a Hugging Face hub id or a local folder holding an
    ``AutoModelForAudioXVector`` checkpoint; for ``resemblyzer``, an optional custom weights file.
    """
    if backend == "resemblyzer":
        from voxtune.speakers.resemblyzer_embedder import ResemblyzerEmbedder

        return ResemblyzerEmbedder(device=device, weights_path=model)
    if backend == "xvector":
        if model is None:
            raise ConfigError(
                "the xvector speaker backend needs a model",
                hint="Set model to a hub id such as microsoft/wavlm-base-plus-sv or a local folder",
            )
        from voxtune.speakers.xvector_embedder import XVectorEmbedder

        return XVectorEmbedder(model, device=device)
    raise ConfigError(
        f"unknown speaker embedding backend {backend!r}", hint=f"Use one of: {', '.join(BACKENDS)}"
    )


def _rates_for(clips: Sequence[np.ndarray], sample_rate: int | Sequence[int]) -> list[int]:
    if isinstance(sample_rate, (int, np.integer)):
        return [int(sample_rate)] * len(clips)
    rates = [int(rate) for rate in sample_rate]
    if len(rates) != len(clips):
        raise ValueError(f"got {len(clips)} clips but {len(rates)} sample rates")
    return rates


def _unit_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale rows to unit length; also say which rows were usable (finite and not all zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1)
    usable = np.isfinite(norms) & (norms > 0)
    safe = np.where(usable, norms, 1.0)[:, None]
    return np.where(usable[:, None], vectors / safe, 0.0).astype(np.float32), usable


def _degenerate(index: int) -> SpeakerEmbeddingError:
    return SpeakerEmbeddingError(
        "degenerate_embedding", "the speaker model gave a zero or non-finite vector", index=index
    )
