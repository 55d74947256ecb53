"""Speaker similarity: the cosine between speaker embeddings of a reference and a test utterance.

The embeddings come from ``voxtune.speakers`` backends (:func:`voxtune.speakers.embeddings.
load_embedder`): ``resemblyzer`` by default, whose weights ship inside the package (offline), or
``xvector``, any transformers ``AutoModelForAudioXVector`` by hub id or local folder. Scores from
different backends are on different scales: compare only scores from the same backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from voxtune.evaluate.audio import prepare_audio
from voxtune.evaluate.errors import UnscorableError
from voxtune.speakers.embeddings import SpeakerEmbedder, load_embedder


@dataclass(frozen=True)
class SpeakerSimilarity:
    """Cosine similarity in [-1, 1] and the backend that produced it."""

    score: float
    backend: str
    notes: tuple[str, ...] = ()


def cosine_similarity(u: np.ndarray, v: np.ndarray) -> float:
    """Cosine of the angle between two vectors; :class:`UnscorableError` if either is all zeros."""
    u = np.asarray(u, dtype=np.float64).ravel()
    v = np.asarray(v, dtype=np.float64).ravel()
    if u.shape != v.shape:
        raise ValueError(f"embeddings differ in size: {u.shape} vs {v.shape}")
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    if norm == 0.0:
        raise UnscorableError("zero_embedding", "a speaker embedding is all zeros")
    return float(np.dot(u, v) / norm)


@lru_cache(maxsize=1)
def default_embedder() -> SpeakerEmbedder:
    """The process-wide resemblyzer embedder (loading it takes about a second)."""
    return load_embedder("resemblyzer")


def embed_speaker(
    audio: np.ndarray,
    sample_rate: int,
    embedder: SpeakerEmbedder | None = None,
    *,
    what: str = "audio",
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Unit-length speaker embedding of one utterance, and notes (resampling to the model's rate).

    Raises an :class:`~voxtune.errors.ItemError`: :class:`UnscorableError` for empty, silent or
    broken audio, the backend's ``SpeakerEmbeddingError`` for a clip too short to embed.
    """
    backend = embedder if embedder is not None else default_embedder()
    prepared = prepare_audio(audio, sample_rate, target_rate=backend.sample_rate, what=what)
    return backend.embed(prepared.samples, prepared.sample_rate), prepared.notes


def speaker_similarity(
    reference: np.ndarray,
    reference_rate: int,
    test: np.ndarray,
    test_rate: int,
    *,
    embedder: SpeakerEmbedder | None = None,
) -> SpeakerSimilarity:
    """Cosine similarity between the speaker embeddings of two utterances."""
    backend = embedder if embedder is not None else default_embedder()
    ref_vec, ref_notes = embed_speaker(reference, reference_rate, backend, what="reference audio")
    test_vec, test_notes = embed_speaker(test, test_rate, backend, what="test audio")
    return SpeakerSimilarity(
        score=cosine_similarity(ref_vec, test_vec),
        backend=backend.name,
        notes=ref_notes + test_notes,
    )
