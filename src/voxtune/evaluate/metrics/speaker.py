"""Speaker similarity: the cosine between speaker embeddings of two utterances.

Backends share :class:`SpeakerEmbedder`. The default, :class:`ResemblyzerEmbedder`, ships its
weights inside the ``resemblyzer`` package (GE2E d-vectors, 256 dims), so it works offline.
:class:`XVectorEmbedder` takes any transformers ``AutoModelForAudioXVector`` (WavLM, wav2vec2,
UniSpeech-SAT x-vector heads) by hub id or local folder. Scores from different backends are on
different scales: compare only scores from the same backend.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from voxtune.evaluate.audio import prepare_audio
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.hf_models import load_pretrained


class SpeakerEmbedder(Protocol):
    """Turns one utterance into a speaker embedding vector."""

    name: str
    sample_rate: int

    def embed(self, audio: np.ndarray) -> np.ndarray:
        """Embedding of mono float audio already at :attr:`sample_rate`."""
        ...


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


class ResemblyzerEmbedder:
    """GE2E d-vector from resemblyzer (bundled weights); its own VAD trims long pauses first."""

    name = "resemblyzer"
    sample_rate = 16000
    MIN_SPEECH_S = 0.1

    def __init__(self, device: str = "cpu"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from resemblyzer import VoiceEncoder

        self._encoder = VoiceEncoder(device=device, verbose=False)

    def embed(self, audio: np.ndarray) -> np.ndarray:
        from resemblyzer import preprocess_wav

        wav = preprocess_wav(np.asarray(audio, dtype=np.float32), source_sr=self.sample_rate)
        if wav.size < self.MIN_SPEECH_S * self.sample_rate:
            raise UnscorableError(
                "too_little_speech",
                f"only {wav.size / self.sample_rate:.2f} s of speech left after voice activity "
                f"trimming (need {self.MIN_SPEECH_S} s)",
            )
        return self._encoder.embed_utterance(wav)


class XVectorEmbedder:
    """X-vector from a transformers ``AutoModelForAudioXVector`` and its feature extractor."""

    def __init__(self, model: str | Path, device: str = "cpu"):
        import torch
        from transformers import AutoFeatureExtractor, AutoModelForAudioXVector

        self._torch = torch
        self._extractor = load_pretrained(
            AutoFeatureExtractor.from_pretrained, model, "x-vector feature extractor"
        )
        self._model = load_pretrained(
            AutoModelForAudioXVector.from_pretrained, model, "x-vector model"
        )
        self._model.eval().to(device)
        self._device = device
        self.name = f"xvector:{model}"
        self.sample_rate = int(self._extractor.sampling_rate)

    def embed(self, audio: np.ndarray) -> np.ndarray:
        inputs = self._extractor(
            np.asarray(audio, dtype=np.float32), sampling_rate=self.sample_rate, return_tensors="pt"
        )
        with self._torch.inference_mode():
            output = self._model(**{k: v.to(self._device) for k, v in inputs.items()})
        return output.embeddings[0].float().cpu().numpy()


@lru_cache(maxsize=1)
def default_embedder() -> ResemblyzerEmbedder:
    """The process-wide resemblyzer embedder (loading it takes about a second)."""
    return ResemblyzerEmbedder()


def embed_speaker(
    audio: np.ndarray,
    sample_rate: int,
    embedder: SpeakerEmbedder | None = None,
    *,
    what: str = "audio",
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Speaker embedding of one utterance (resampled to the backend's rate, noted)."""
    backend = embedder if embedder is not None else default_embedder()
    prepared = prepare_audio(audio, sample_rate, target_rate=backend.sample_rate, what=what)
    return backend.embed(prepared.samples), prepared.notes


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
