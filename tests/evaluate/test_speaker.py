from __future__ import annotations

import itertools

import numpy as np
import pytest

from support.evaluation import FSDD_SPEAKERS, save_tiny_xvector
from voxtune.errors import InputError, ItemError
from voxtune.evaluate.batch import score_items
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.speaker import cosine_similarity, embed_speaker, speaker_similarity
from voxtune.speakers.embeddings import load_embedder


def test_cosine_known_values():
    assert cosine_similarity([1, 0], [0, 2]) == 0.0
    assert cosine_similarity([1, 1], [2, 2]) == pytest.approx(1.0)
    assert cosine_similarity([1, 0], [-3, 0]) == pytest.approx(-1.0)
    with pytest.raises(UnscorableError):
        cosine_similarity([0, 0], [1, 0])


@pytest.mark.slow
def test_resemblyzer_same_speaker_scores_higher_on_fsdd(read_clip):
    embeddings = {
        (speaker, digit): embed_speaker(*read_clip(digit, speaker, 0))[0]
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


def test_xvector_backend_loads_by_path_and_scores(tmp_path, read_clip):
    folder = save_tiny_xvector(tmp_path / "xvector")
    embedder = load_embedder("xvector", folder)
    audio, rate = read_clip(3, "lucas", 0)
    vector, notes = embed_speaker(audio, rate, embedder)
    assert vector.shape == (12,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)
    assert notes == ("audio resampled from 8000 Hz to 16000 Hz with soxr",)
    same = speaker_similarity(audio, rate, audio, rate, embedder=embedder)
    assert same.score == pytest.approx(1.0, abs=1e-5)
    assert same.backend.startswith("xvector:")
    other = speaker_similarity(audio, rate, *read_clip(3, "george", 0), embedder=embedder)
    assert -1.0 <= other.score < same.score


def test_xvector_missing_folder_is_named(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(InputError) as info:
        load_embedder("xvector", missing)
    assert "no-such-model" in str(info.value)


def test_unscorable_pairs_are_counted_in_a_batch(read_clip):
    voice, rate = read_clip(5, "nicolas", 0)
    pairs = {
        "ok": (voice, voice),
        "silent": (voice, np.zeros(rate, dtype=np.float32)),
        "too_short": (voice, voice[: rate // 20]),  # 50 ms: below resemblyzer's 0.2 s minimum
    }
    batch = score_items(pairs.items(), lambda pair: speaker_similarity(pair[0], rate, pair[1], rate).score)
    assert batch.results["ok"] == pytest.approx(1.0, abs=1e-5)
    codes = {f.item: f.code for f in batch.failures}
    assert codes == {"silent": "silent_audio", "too_short": "too_short_for_speaker_embedding"}
    assert batch.attempted == 3
    assert issubclass(UnscorableError, ItemError)
