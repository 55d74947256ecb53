"""The transformers x-vector backend, with tiny random models saved to and loaded from a folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import (
    Wav2Vec2Config,
    Wav2Vec2FeatureExtractor,
    Wav2Vec2ForXVector,
    WavLMConfig,
    WavLMForXVector,
)

from voxtune.errors import InputError
from voxtune.speakers.embeddings import SpeakerEmbeddingError, load_embedder
from voxtune.speakers.xvector_embedder import XVectorEmbedder

pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask:UserWarning")

TINY = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=37,
    conv_dim=(16,) * 7,  # default kernels and strides: 400-sample receptive field, 320-sample hop
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
    tdnn_dim=(16, 16, 16, 16, 32),  # default kernels (5, 3, 3, 1, 1), dilations (1, 2, 3, 1, 1)
    xvector_output_dim=24,
)


@pytest.fixture(scope="module")
def wavlm_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-wavlm-sv")
    torch.manual_seed(0)
    config = WavLMConfig(**TINY, feat_extract_norm="layer", do_stable_layer_norm=True, num_buckets=16)
    WavLMForXVector(config).save_pretrained(folder)
    Wav2Vec2FeatureExtractor(sampling_rate=16000, return_attention_mask=True).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def wav2vec2_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-wav2vec2-sv")
    torch.manual_seed(1)
    Wav2Vec2ForXVector(Wav2Vec2Config(**TINY, feat_extract_norm="group")).save_pretrained(folder)
    Wav2Vec2FeatureExtractor(sampling_rate=16000, return_attention_mask=False).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def wavlm(wavlm_folder) -> XVectorEmbedder:
    embedder = load_embedder("xvector", wavlm_folder)
    assert isinstance(embedder, XVectorEmbedder)
    return embedder


def noise_clips(seconds: list[float], rate: int = 16000, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(0.1 * rng.standard_normal(int(s * rate))).astype(np.float32) for s in seconds]


def test_loads_from_a_folder_and_gives_unit_vectors_of_the_head_size(wavlm, wavlm_folder):
    assert wavlm.dim == 24 and wavlm.sample_rate == 16000
    assert wavlm.name == f"xvector:{wavlm_folder.resolve()}"
    vectors = wavlm.embed_many(noise_clips([0.5, 1.2]), 16000)
    assert vectors.shape == (2, 24)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_matches_the_model_run_directly(wavlm_folder, wavlm):
    clip = noise_clips([0.9], seed=3)[0]
    extractor = Wav2Vec2FeatureExtractor.from_pretrained(wavlm_folder)
    model = WavLMForXVector.from_pretrained(wavlm_folder).eval()
    with torch.inference_mode():
        raw = model(**extractor(clip, sampling_rate=16000, return_tensors="pt")).embeddings[0].numpy()
    np.testing.assert_allclose(wavlm.embed(clip, 16000), raw / np.linalg.norm(raw), atol=1e-5)


@pytest.mark.parametrize("folder_fixture", ["wavlm_folder", "wav2vec2_folder"])
def test_a_clip_gets_the_same_vector_whatever_else_is_in_the_call(folder_fixture, request):
    embedder = XVectorEmbedder(request.getfixturevalue(folder_fixture))
    clips = noise_clips([0.4, 1.7, 0.8, 1.1], seed=5)
    together = embedder.embed_many(clips, 16000)
    alone = np.stack([embedder.embed(clip, 16000) for clip in clips])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_shortest_clip_is_what_the_tdnn_needs_for_two_pooled_frames(wavlm):
    # conv encoder frames = (n - 400) // 320 + 1; the dilated TDNN removes 4 + 2*2 + 3*2 = 14 frames,
    # and std pooling needs 2 frames, so n >= 400 + 15 * 320 = 5200 samples.
    assert wavlm.min_seconds == pytest.approx(5200 / 16000)
    vector = wavlm.embed(noise_clips([5200 / 16000])[0], 16000)
    assert np.isfinite(vector).all()
    with pytest.raises(SpeakerEmbeddingError) as caught:
        wavlm.embed(noise_clips([5199 / 16000])[0], 16000)
    assert caught.value.code == "too_short_for_speaker_embedding"


def test_longer_minimum_from_the_caller_wins(wavlm_folder):
    assert XVectorEmbedder(wavlm_folder, min_seconds=0.8).min_seconds == 0.8


def test_missing_folder_is_an_input_error_without_network(tmp_path):
    with pytest.raises(InputError, match="folder not found"):
        load_embedder("xvector", tmp_path / "no-such-model")


def test_folder_without_feature_extractor_is_an_input_error(tmp_path):
    torch.manual_seed(0)
    WavLMForXVector(WavLMConfig(**TINY, num_buckets=16)).save_pretrained(tmp_path)
    with pytest.raises(InputError, match="cannot load an x-vector speaker model"):
        XVectorEmbedder(tmp_path)
