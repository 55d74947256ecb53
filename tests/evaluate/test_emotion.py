from __future__ import annotations

import numpy as np
import pytest

from voxtune.errors import InputError
from voxtune.evaluate.metrics.emotion import EmotionClassifier, emotion_accuracy
from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    folder = build_tiny_audio_classifier(
        tmp_path_factory.mktemp("emotion") / "model", ["ang", "hap", "NEU", "sad"], seed=3
    )
    return EmotionClassifier(folder, aliases={"ang": "angry", "hap": "happy"})


def test_labels_are_mapped_and_probabilities_sum_to_one(classifier, read_clip):
    assert classifier.labels == ("angry", "happy", "neu", "sad")
    prediction = classifier.predict(*read_clip(0, "lucas", 0))
    assert prediction.label in classifier.labels
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert prediction.confidence == max(prediction.probabilities.values())


def test_accuracy_counts_unscorable_clips_as_wrong(classifier, read_clip):
    clips = [(f"c{i}", *read_clip(i, "george", 0)) for i in range(4)]
    predicted = [classifier.predict(audio, rate).label for _, audio, rate in clips]
    expected = [predicted[0], predicted[1], "sad" if predicted[2] != "sad" else "angry", "happy"]
    clips.append(("silent", np.zeros(8000, dtype=np.float32), 8000))
    expected.append("neu")
    result = emotion_accuracy(classifier, clips, expected)
    correct = 2 + (predicted[3] == "happy")
    assert result.accuracy == pytest.approx(correct / 5)
    assert [(f.item, f.code) for f in result.failures] == [("silent", "silent_audio")]
    assert result.confusion.total == 5
    assert "<none>" in result.confusion.predicted_labels
    assert 0.25 <= result.mean_confidence <= 1.0


def test_missing_model_folder_is_named(tmp_path):
    with pytest.raises(InputError, match="not found"):
        EmotionClassifier(tmp_path / "absent")
