from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.evaluate.helpers import FSDD_SPEAKERS, fsdd_clip, save_tiny_xvector
from voxtune.errors import InputError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.speaker import (
    XVectorEmbedder,
    cosine_similarity,
    embed_speaker,
    speaker_similarity,
)


def test_cosine_known_values():
    assert cosine_similarity([1, 0], [0, 2]) == 0.0
    assert cosine_similarity([1, 1], [2, 2]) == pytest.approx(1.0)
    assert cosine_similarity([1, 0], [-3, 0]) == pytest.approx(-1.0)
    with pytest.raises(UnscorableError):
        cosine_similarity([0, 0], [1, 0])


@pytest.mark.slow
def test_resemblyzer_same_speaker_scores_higher_on_fsdd(fsdd):
    embeddings = {
        (speaker, digit): embed_speaker(*fsdd_clip(digit, speaker, 0))[0]
        for speaker in FSDD_SPEAKERS
        for digit in (1, 4, 8)
    }
    same, different = [], []
    for (a, va), (b, vb) in itertools.combinations(embeddings.items(), 2):
        (same if a[0] == b[0] else different).append(cosine_similarity(va, vb))
    print(
        f"resemblyzer on FSDD: same speaker {np.mean(same):.3f} (n={len(same)}), "
        f"different speakers {np.mean(different):.3f} (n={len(different)})"
    )
    assert np.mean(same) > np.mean(different) + 0.05


def test_xvector_backend_loads_by_path_and_scores(tmp_path, fsdd):
    folder = save_tiny_xvector(tmp_path / "xvector")
    embedder = XVectorEmbedder(folder)
    assert embedder.sample_rate == 16000
    audio, rate = fsdd_clip(3, "lucas", 0)
    vector, notes = embed_speaker(audio, rate, embedder)
    assert vector.shape == (12,)
    assert notes == ("audio resampled from 8000 Hz to 16000 Hz with soxr",)
    same = speaker_similarity(audio, rate, audio, rate, embedder=embedder)
    assert same.score == pytest.approx(1.0, abs=1e-5)
    assert same.backend.startswith("xvector:")
    # A second load of the same folder gives the same embedding: nothing random at inference.
    again = XVectorEmbedder(str(folder))
    np.testing.assert_allclose(embed_speaker(audio, rate, again)[0], vector, rtol=1e-5)


def test_xvector_missing_folder_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(InputError) as info:
        XVectorEmbedder(missing)
    assert str(missing) in str(info.value)


def test_silent_audio_is_unscorable():
    with pytest.raises(UnscorableError) as info:
        speaker_similarity(np.zeros(16000), 16000, np.ones(16000) * 0.1, 16000)
    assert info.value.code == "silent_audio"
