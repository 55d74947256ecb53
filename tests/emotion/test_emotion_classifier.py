"""The emotion classifier backend on a tiny random wav2vec2 classifier."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from support.tiny_models import tiny_emotion_dir, tiny_whisper_dir
from voxtune.emotion.classifier import EmotionClassifier
from voxtune.emotion.tiny import TINY_LABELS
from voxtune.errors import InputError


@pytest.fixture(scope="module")
def clip(fsdd_dir: Path) -> np.ndarray:
    return sf.read(fsdd_dir / "4_lucas_2.wav", dtype="float32")[0]


def test_scores_are_a_distribution_over_the_models_labels(clip) -> None:
    classifier = EmotionClassifier.from_pretrained(tiny_emotion_dir())
    score = classifier.classify(clip, 8000)
    assert list(score.probabilities) == list(TINY_LABELS)
    assert sum(score.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert score.label == max(score.probabilities, key=score.probabilities.__getitem__)
    assert score.confidence == score.probabilities[score.label]
    at_16k = classifier.classify(soxr.resample(clip, 8000, 16000), 16000)
    assert at_16k.probabilities == pytest.approx(score.probabilities, abs=1e-6)


def test_long_audio_averages_its_windows_by_length(clip) -> None:
    classifier = EmotionClassifier.from_pretrained(tiny_emotion_dir(), window_seconds=0.25, batch_size=1)
    audio = soxr.resample(clip, 8000, 16000).astype(np.float32)
    window = 4000
    pieces = [audio[i : i + window] for i in range(0, audio.size, window)]
    expected = np.average(
        [[classifier.classify(p, 16000).probabilities[label] for label in TINY_LABELS] for p in pieces],
        axis=0,
        weights=[p.size for p in pieces],
    )
    whole = classifier.classify(audio, 16000)
    assert [whole.probabilities[label] for label in TINY_LABELS] == pytest.approx(expected, abs=1e-6)


def test_batches_equal_single_clips(clip) -> None:
    classifier = EmotionClassifier.from_pretrained(tiny_emotion_dir(), batch_size=3)
    clips = [clip, clip[:2000], np.zeros(50, dtype=np.float32)]
    batched = classifier.classify_batch(clips, 8000)
    for one, audio in zip(batched, clips, strict=True):
        alone = classifier.classify(audio, 8000)
        assert one.probabilities == pytest.approx(alone.probabilities, abs=1e-4)


def test_models_without_a_classification_head_are_refused(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match="WhisperForConditionalGeneration, not an audio-classification model"
    ):
        EmotionClassifier.from_pretrained(tiny_whisper_dir())
    with pytest.raises(InputError, match="cannot load an audio-classification model"):
        EmotionClassifier.from_pretrained(tmp_path / "missing")
