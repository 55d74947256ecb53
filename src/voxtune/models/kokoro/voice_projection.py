"""Voice packs for further speakers from a few minutes of their audio: a ridge regression from speaker
embeddings (the speakers stage's, e.g. resemblyzer) to ``[510, 1, 256]`` packs.

It is fitted on pairs of (speaker embedding, voice pack) -- the voices learnt by fine-tuning and
Kokoro's stock voices, each embedded from audio spoken with it -- and then maps a new speaker's mean
embedding to a pack, which a short fine-tune of that speaker's voice table can refine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import Ridge

from voxtune.errors import InputError
from voxtune.models.kokoro.voicepack import PACK_SHAPE, check_voice_pack

FORMAT_VERSION = 1


def speaker_embedding(vectors: np.ndarray) -> np.ndarray:
    """One speaker's embedding from its clips' embeddings: the unit-length mean."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or not len(vectors):
        raise ValueError(f"need (clips, dim) embeddings, got shape {vectors.shape}")
    mean = vectors.mean(axis=0)
    norm = np.linalg.norm(mean)
    if norm == 0:
        raise ValueError("the clips' embeddings cancel out; cannot form a speaker embedding")
    return (mean / norm).astype(np.float32)


@dataclass
class VoiceProjection:
    """Linear map from a speaker embedding to a voice pack (``pack = embedding @ weights + bias``)."""

    weights: np.ndarray
    """``[dim, 510 * 256]``"""
    bias: np.ndarray
    """``[510 * 256]``"""
    voices: tuple[str, ...] = ()
    """Names of the voices it was fitted on."""

    @property
    def dim(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def fit(
        cls,
        embeddings: np.ndarray,
        packs: Sequence[torch.Tensor],
        *,
        alpha: float = 1.0,
        voices: Sequence[str] = (),
    ) -> VoiceProjection:
        """Ridge regression (``alpha``: L2 penalty) of packs on embeddings, one pair per voice."""
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2 or len(embeddings) != len(packs):
            raise ValueError(f"need one embedding per pack: {embeddings.shape} for {len(packs)} packs")
        if len(packs) < 2:
            raise ValueError("fitting a projection needs at least two voices")
        targets = np.stack([check_voice_pack(p).reshape(-1).numpy() for p in packs]).astype(np.float64)
        model = Ridge(alpha=alpha, fit_intercept=True).fit(embeddings, targets)
        return cls(
            np.asarray(model.coef_.T, dtype=np.float32),
            np.asarray(model.intercept_, dtype=np.float32),
            tuple(voices),
        )

    def predict(self, embedding: np.ndarray) -> torch.Tensor:
        """The voice pack ``[510, 1, 256]`` for one speaker embedding."""
        embedding = np.asarray(embedding, dtype=np.float32).reshape(-1)
        if embedding.shape[0] != self.dim:
            raise ValueError(f"embedding has {embedding.shape[0]} values, the projection takes {self.dim}")
        pack = embedding @ self.weights + self.bias
        return torch.from_numpy(pack.astype(np.float32)).reshape(PACK_SHAPE)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez(
                handle,
                format_version=FORMAT_VERSION,
                weights=self.weights,
                bias=self.bias,
                voices=np.array(self.voices, dtype=str),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> VoiceProjection:
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format_version"]) != FORMAT_VERSION:
                    raise InputError("voice projection file of an unknown format version", path=path)
                return cls(data["weights"], data["bias"], tuple(str(v) for v in data["voices"]))
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"cannot read the voice projection ({exc})", path=path) from None


def embed_voices(
    packs: Mapping[str, torch.Tensor],
    speak: Callable[[torch.Tensor], Sequence[np.ndarray]],
    embed: Callable[[Sequence[np.ndarray]], np.ndarray],
) -> np.ndarray:
    """``[voices, dim]`` speaker embeddings of voice packs: each pack's audio (``speak``: clips at the
    embedder's expected rate) embedded clip by clip (``embed``) and averaged."""
    return np.stack([speaker_embedding(embed(list(speak(pack)))) for pack in packs.values()])
