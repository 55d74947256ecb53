"""The resemblyzer backend on real FSDD speech, cross-checked against resemblyzer's own method."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from voxtune.errors import InputError
from voxtune.speakers.embeddings import SpeakerEmbeddingError, load_embedder
from voxtune.speakers.resemblyzer_embedder import TARGET_DBFS, ResemblyzerEmbedder


@pytest.fixture(scope="module")
def clips_16k(read_digit) -> list[np.ndarray]:
    """Clips of different lengths: one short digit, two digits joined, ten digits joined."""
    out = []
    for picks in (
        [(3, "lucas", 0)],
        [(1, "george", 2), (4, "george", 3)],
        [(d, "nicolas", 7) for d in range(10)],
    ):
        audio = np.concatenate([read_digit(*pick)[0] for pick in picks])
        out.append(librosa.resample(audio, orig_sr=8000, target_sr=16000, res_type="soxr_hq"))
    return out


def test_default_backend_gives_256_d_unit_vectors(resemblyzer_embedder, read_digit):
    audio, rate = read_digit(7, "jackson", 1)
    vector = resemblyzer_embedder.embed(audio, rate)
    assert vector.shape == (256,) and vector.dtype == np.float32
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-6)
    assert isinstance(load_embedder("resemblyzer"), ResemblyzerEmbedder)


def test_batched_windows_match_resemblyzers_embed_utterance(resemblyzer_embedder, clips_16k):
    from resemblyzer.audio import normalize_volume

    windows, _ = resemblyzer_embedder.encoder.compute_partial_slices(len(clips_16k[2]), 1.3, 0.75)
    assert len(windows) >= 3  # so the averaging over windows is exercised
    ours = resemblyzer_embedder.embed_many(clips_16k, 16000)
    for clip, vector in zip(clips_16k, ours, strict=True):
        reference = resemblyzer_embedder.encoder.embed_utterance(
            normalize_volume(clip, TARGET_DBFS, increase_only=True)
        )
        np.testing.assert_allclose(vector, reference, atol=2e-5)


def test_batch_size_does_not_change_results(clips_16k, resemblyzer_embedder):
    small_batches = ResemblyzerEmbedder(windows_per_batch=1)
    np.testing.assert_allclose(
        small_batches.embed_many(clips_16k, 16000),
        resemblyzer_embedder.embed_many(clips_16k, 16000),
        atol=1e-5,
    )


def test_8k_input_is_resampled_like_an_independent_resampler(resemblyzer_embedder, read_digit):
    audio, rate = read_digit(5, "george", 4)
    upsampled = librosa.resample(audio, orig_sr=rate, target_sr=16000, res_type="polyphase")
    ours = resemblyzer_embedder.embed(audio, rate)
    theirs = resemblyzer_embedder.embed(upsampled, 16000)
    assert float(ours @ theirs) > 0.995


def test_same_speaker_is_closer_than_other_speakers(resemblyzer_embedder, read_digit):
    def segment(speaker: str, start: int) -> np.ndarray:
        return np.concatenate([read_digit(d, speaker, start + d)[0] for d in range(4)])

    george = resemblyzer_embedder.embed_many([segment("george", 0), segment("george", 20)], 8000)
    others = resemblyzer_embedder.embed_many([segment(s, 0) for s in ("jackson", "lucas", "nicolas")], 8000)
    same = float(george[0] @ george[1])
    assert same > float(np.max(others @ george[0]))
    assert same > float(np.max(others @ george[1]))


def test_shortest_fsdd_clips_are_embedded_and_shorter_ones_refused(resemblyzer_embedder, read_digit):
    audio, rate = read_digit(3, "lucas", 0)
    vector = resemblyzer_embedder.embed(audio[: int(0.2 * rate)], rate)
    assert np.isfinite(vector).all()
    with pytest.raises(SpeakerEmbeddingError) as caught:
        resemblyzer_embedder.embed(audio[: int(0.15 * rate)], rate)
    assert caught.value.code == "too_short_for_speaker_embedding"


def test_missing_custom_weights_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="weights file not found"):
        load_embedder("resemblyzer", tmp_path / "nope.pt")
