from __future__ import annotations

import numpy as np
import pytest

from voxtune.errors import ConfigError, InputError
from voxtune.evaluate.metrics.confusion import confusion_matrix
from voxtune.evaluate.metrics.language_id import (
    AudioLanguageIdentifier,
    TextLanguageDetector,
    language_confusion,
    to_iso639_1,
)
from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier


@pytest.mark.parametrize(
    ("code", "iso"),
    [
        ("eng", "en"),
        ("tel", "te"),
        ("nob", "nb"),
        ("no", "nb"),
        ("swe", "sv"),
        ("dan", "da"),
        ("zlm", "ms"),
        ("msa", "ms"),
        ("ltz", "lb"),
        ("en-US", "en"),
        ("Bokmal", "nb"),
        ("te", "te"),
        ("xyz", "xyz"),
    ],
)
def test_codes_map_to_iso639_1(code, iso):
    assert to_iso639_1(code) == iso


def test_lingua_detects_our_target_languages():
    detector = TextLanguageDetector(["nb", "sv", "da", "en", "ms", "te"])
    samples = {
        "nb": "Jeg har ikke tid i dag, men kanskje i morgen kan vi ta en kopp kaffe sammen.",
        "sv": "Jag har inte tid idag, men kanske i morgon kan vi dricka en kopp kaffe tillsammans.",
        "da": "Jeg har ikke tid i dag, men måske i morgen kan vi drikke en kop kaffe sammen.",
        "en": "I do not have time today, but maybe tomorrow we can have a coffee together.",
        "ms": "Saya tidak ada masa hari ini, tetapi mungkin esok kita boleh minum kopi bersama.",
        "te": "నాకు ఈ రోజు సమయం లేదు, కానీ రేపు మనం కలిసి కాఫీ తాగవచ్చు.",
    }
    for language, text in samples.items():
        guess = detector.detect(text)
        assert guess is not None
        assert guess.language == language, (text, guess)
        assert 0.0 < guess.confidence <= 1.0
    assert detector.detect("1234 !!") is None


def test_lingua_has_no_luxembourgish():
    with pytest.raises(ConfigError, match="'lb'"):
        TextLanguageDetector(["de", "lb"])


def test_audio_language_id_with_a_tiny_model_loaded_by_path(tmp_path, read_clip):
    folder = build_tiny_audio_classifier(tmp_path / "lid", ["eng", "tel", "nob", "zlm"])
    identifier = AudioLanguageIdentifier(folder)
    assert identifier.languages == ("en", "te", "nb", "ms")
    audio, rate = read_clip(9, "nicolas", 1)
    guess = identifier.identify(audio, rate)
    assert guess.language in identifier.languages
    assert guess.language == to_iso639_1(guess.label)
    assert 0.25 <= guess.confidence <= 1.0  # top of 4 softmax probabilities
    assert guess.notes == ("audio resampled from 8000 Hz to 16000 Hz with soxr",)


def test_audio_language_id_invalid_folder_is_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as info:
        AudioLanguageIdentifier(tmp_path / "empty")
    assert "empty" in str(info.value)


def test_confusion_matrix_counts_and_accuracy():
    cm = confusion_matrix(["a", "a", "b", "b", "b"], ["a", "b", "b", "c", None])
    assert cm.labels == ("a", "b")
    assert cm.predicted_labels == ("a", "b", "c", "<none>")
    np.testing.assert_array_equal(cm.counts, [[1, 1, 0, 0], [0, 1, 1, 1]])
    assert cm.accuracy == pytest.approx(2 / 5)
    assert cm.recall("b") == pytest.approx(1 / 3)


def test_language_confusion_maps_codes_first():
    cm = language_confusion(["nb", "sv", "ms"], ["nob", "swe", "eng"])
    assert cm.accuracy == pytest.approx(2 / 3)
    assert cm.labels == ("ms", "nb", "sv")
