"""Input checks, resampling and batching shared by every embedding backend, and backend selection."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.errors import ConfigError, ItemError
from voxtune.speakers.embeddings import SpeakerEmbedder, SpeakerEmbeddingError, load_embedder, to_mono


class SpectrumEmbedder(SpeakerEmbedder):
    """A tiny model for testing the shared logic: the clip's 8-band power spectrum.

    A clip whose samples sum exactly to 1000 yields an all-zero vector, to exercise the
    degenerate-output path.
    """

    name = "spectrum"
    sample_rate = 16000
    dim = 8
    min_seconds = 0.1

    def __init__(self):
        self.seen_lengths: list[int] = []

    def _embed_prepared(self, clips: list[np.ndarray]) -> np.ndarray:
        rows = []
        for clip in clips:
            self.seen_lengths.append(len(clip))
            power = np.abs(np.fft.rfft(clip)) ** 2
            bands = np.array([band.sum() for band in np.array_split(power, self.dim)])
            rows.append(np.zeros(self.dim) if np.isclose(clip.sum(), 1000.0) else bands)
        return np.stack(rows)


def tone(freq: float, seconds: float, rate: int) -> np.ndarray:
    return (0.3 * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def test_rows_have_unit_length_and_model_dimension():
    vectors = SpectrumEmbedder().embed_many([tone(300, 0.5, 16000), tone(3000, 0.5, 16000)], 16000)
    assert vectors.shape == (2, 8) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_clips_are_resampled_to_the_model_rate():
    model = SpectrumEmbedder()
    at_8k = model.embed(tone(1000, 0.5, 8000), 8000)
    at_16k = model.embed(tone(1000, 0.5, 16000), 16000)
    assert model.seen_lengths == [8000, 8000]
    assert float(at_8k @ at_16k) > 0.999  # the same 1 kHz tone lands in the same band


def test_each_clip_may_have_its_own_rate():
    model = SpectrumEmbedder()
    model.embed_many([tone(500, 0.5, 8000), tone(500, 0.5, 44100)], [8000, 44100])
    assert model.seen_lengths == [8000, 8000]
    with pytest.raises(ValueError, match="sample rates"):
        model.embed_many([tone(500, 0.5, 8000)], [8000, 8000])


def test_channels_are_averaged():
    mono = tone(700, 0.5, 16000)
    stereo = np.stack([mono, mono])
    np.testing.assert_allclose(to_mono(stereo), mono)
    model = SpectrumEmbedder()
    np.testing.assert_allclose(model.embed(stereo, 16000), model.embed(mono, 16000))
    with pytest.raises(ValueError, match="channels"):
        to_mono(np.zeros((2, 2, 2)))


def test_too_short_clip_is_an_item_error_with_measured_length():
    with pytest.raises(SpeakerEmbeddingError) as caught:
        SpectrumEmbedder().embed(tone(300, 0.05, 16000), 16000)
    error = caught.value
    assert isinstance(error, ItemError)
    assert error.code == "too_short_for_speaker_embedding"
    assert error.details["seconds"] == pytest.approx(0.05)
    assert error.details["minimum_seconds"] == 0.1
    assert "0.050 s" in error.reason


def test_silent_and_broken_clips_are_item_errors():
    model = SpectrumEmbedder()
    with pytest.raises(SpeakerEmbeddingError) as silent:
        model.embed(np.full(16000, 1e-6, dtype=np.float32), 16000)
    assert silent.value.code == "silent_audio"
    assert silent.value.details["rms_dbfs"] == pytest.approx(-120.0)
    with pytest.raises(SpeakerEmbeddingError) as broken:
        model.embed(np.array([0.1, np.nan] * 4000, dtype=np.float32), 16000)
    assert broken.value.code == "non_finite_audio"


def test_embed_many_names_the_first_bad_clip():
    with pytest.raises(SpeakerEmbeddingError) as caught:
        SpectrumEmbedder().embed_many([tone(300, 0.5, 16000), np.zeros(16000), tone(300, 0.01, 16000)], 16000)
    assert caught.value.code == "silent_audio" and caught.value.details["index"] == 1


def test_embed_where_possible_keeps_the_good_clips_and_reports_the_rest():
    model = SpectrumEmbedder()
    summing_to_1000 = np.full(16000, 1000.0 / 16000, dtype=np.float32)
    clips = [
        tone(300, 0.5, 16000),
        np.zeros(16000),
        tone(3000, 0.5, 16000),
        tone(300, 0.01, 16000),
        summing_to_1000,
    ]
    result = model.embed_where_possible(clips, 16000)
    assert result.indices.tolist() == [0, 2]
    assert {index: error.code for index, error in result.rejections.items()} == {
        1: "silent_audio",
        3: "too_short_for_speaker_embedding",
        4: "degenerate_embedding",
    }
    np.testing.assert_allclose(result.embeddings, model.embed_many([clips[0], clips[2]], 16000))


def test_nothing_usable_gives_an_empty_result():
    result = SpectrumEmbedder().embed_where_possible([np.zeros(16000)], 16000)
    assert result.embeddings.shape == (0, 8) and result.indices.tolist() == []
    assert SpectrumEmbedder().embed_many([], 16000).shape == (0, 8)


def test_degenerate_model_output_is_an_item_error():
    with pytest.raises(SpeakerEmbeddingError) as caught:
        SpectrumEmbedder().embed(np.full(16000, 1000.0 / 16000, dtype=np.float32), 16000)
    assert caught.value.code == "degenerate_embedding"


def test_unknown_backend_or_missing_model_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown speaker embedding backend"):
        load_embedder("pyannote")
    with pytest.raises(ConfigError, match="needs a model"):
        load_embedder("xvector")
