"""Emotion labels: every spelling maps onto the allowed set, or is refused with a reason."""

from __future__ import annotations

import pytest

from voxtune.emotion.labels import DEFAULT_EMOTIONS, EmotionError, LabelMap


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("happy", "happy"),
        (" Happy ", "happy"),
        ("hap", "happy"),
        ("exc", "happy"),
        ("ANG", "angry"),
        ("生气/angry", "angry"),
        ("fear", "fearful"),
        ("disgust", "disgusted"),
        ("neu", "neutral"),
        ("sur", "surprised"),
    ],
)
def test_datasets_and_models_spellings_map_to_the_canonical_label(label: str, expected: str) -> None:
    assert LabelMap.create().canonical(label) == expected


def test_unknown_and_missing_labels_are_item_errors() -> None:
    labels = LabelMap.create()
    with pytest.raises(EmotionError) as unknown:
        labels.canonical("other")
    assert unknown.value.code == "unknown_emotion" and unknown.value.details == {"label": "other"}
    assert ", ".join(DEFAULT_EMOTIONS) in unknown.value.reason
    for missing in (None, "", "  "):
        with pytest.raises(EmotionError) as caught:
            labels.canonical(missing)
        assert caught.value.code == "no_emotion"


def test_a_smaller_label_set_with_own_synonyms() -> None:
    labels = LabelMap.create(["neutral", "happy", "sad", "angry"], {"Frustrated": "angry", "joy": "sad"})
    assert labels.canonical("frustrated") == "angry"
    assert labels.canonical("joy") == "sad"  # own synonyms win over the built-in ones
    with pytest.raises(EmotionError):
        labels.canonical("fearful")  # allowed by default, not here
    with pytest.raises(EmotionError):
        labels.canonical("fear")  # built-in synonym onto a label this set lacks
    with pytest.raises(ValueError, match="not allowed: bored"):
        LabelMap.create(["neutral"], {"meh": "bored"})
