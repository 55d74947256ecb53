from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from voxtune.errors import InputError
from voxtune.models.kokoro.voice_projection import VoiceProjection, embed_voices, speaker_embedding
from voxtune.models.kokoro.voicepack import PACK_SHAPE

DIM = 16


def linear_voices(count: int, seed: int) -> tuple[np.ndarray, list[torch.Tensor]]:
    """Embeddings and packs related by a known linear map (what the projection should recover)."""
    rng = np.random.default_rng(seed)
    weights = rng.standard_normal((DIM, int(np.prod(PACK_SHAPE)))).astype(np.float32) * 0.1
    bias = rng.standard_normal(int(np.prod(PACK_SHAPE))).astype(np.float32) * 0.1
    embeddings = rng.standard_normal((count, DIM)).astype(np.float32)
    packs = [torch.from_numpy(e @ weights + bias).reshape(PACK_SHAPE) for e in embeddings]
    return embeddings, packs


def test_projection_recovers_a_linear_relation_and_predicts_new_speakers() -> None:
    embeddings, packs = linear_voices(60, seed=0)
    projection = VoiceProjection.fit(
        embeddings[:50], packs[:50], alpha=1e-4, voices=[f"v{i}" for i in range(50)]
    )
    for embedding, pack in zip(embeddings[50:], packs[50:], strict=True):
        predicted = projection.predict(embedding)
        assert predicted.shape == PACK_SHAPE
        assert torch.allclose(predicted, pack, atol=1e-3)
    assert len(projection.voices) == 50


def test_projection_saves_and_loads(tmp_path: Path) -> None:
    embeddings, packs = linear_voices(5, seed=1)
    projection = VoiceProjection.fit(embeddings, packs, voices=["a", "b", "c", "d", "e"])
    loaded = VoiceProjection.load(projection.save(tmp_path / "projection.npz"))
    assert loaded.voices == ("a", "b", "c", "d", "e")
    assert torch.equal(loaded.predict(embeddings[0]), projection.predict(embeddings[0]))
    (tmp_path / "bad.npz").write_bytes(b"nope")
    with pytest.raises(InputError):
        VoiceProjection.load(tmp_path / "bad.npz")


def test_bad_inputs_are_refused() -> None:
    embeddings, packs = linear_voices(3, seed=2)
    with pytest.raises(ValueError):
        VoiceProjection.fit(embeddings[:2], packs)
    with pytest.raises(ValueError):
        VoiceProjection.fit(embeddings[:1], packs[:1])
    projection = VoiceProjection.fit(embeddings, packs)
    with pytest.raises(ValueError):
        projection.predict(np.zeros(DIM + 1))


def test_speaker_embedding_is_the_unit_mean() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(speaker_embedding(vectors), [2**-0.5, 2**-0.5])
    with pytest.raises(ValueError):
        speaker_embedding(np.array([[1.0, 0.0], [-1.0, 0.0]]))


def test_embed_voices_embeds_what_each_pack_says() -> None:
    packs = {"low": torch.zeros(PACK_SHAPE), "high": torch.ones(PACK_SHAPE)}

    def speak(pack: torch.Tensor) -> list[np.ndarray]:
        return [np.full(10, float(pack.mean())), np.full(10, float(pack.mean()))]

    def embed(clips: list[np.ndarray]) -> np.ndarray:
        return np.array([[1.0 - clip.mean(), clip.mean()] for clip in clips])

    assert np.allclose(embed_voices(packs, speak, embed), [[1.0, 0.0], [0.0, 1.0]])
