"""Spoken form: the stand-in digit reader, what it refuses, and the hand-over to the shared normaliser."""

from __future__ import annotations

import importlib.util

import pytest

from voxtune.errors import ItemError
from voxtune.prompts import spoken
from voxtune.prompts.spoken import check_speakable, read_digits_aloud, shared_normaliser, spoken_form


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("Call 555-1234 now.", "en", "Call five five five one two three four now."),
        (
            "My number is (310) 555 0199.",
            "en",
            "My number is three one zero five five five zero one nine nine.",
        ),
        ("(call 5551234)", "en", "(call five five five one two three four)"),
        ("I have 3 cats", "en", "I have three cats"),
        ("Ordre 1234567, takk.", "nb", "Ordre en to tre fire fem seks sju, takk."),
        ("nummer 40 12 3", "da", "nummer fire nul en to tre"),
        ("౧౨౩౪౫", "te", "ఒకటి రెండు మూడు నాలుగు ఐదు"),
        ("Kod 09876", "ms", "Kod kosong sembilan lapan tujuh enam"),
    ],
)
def test_identifiers_and_single_digits_are_read_digit_by_digit(text: str, language: str, said: str) -> None:
    assert read_digits_aloud(text, language) == said


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("It costs 25 kroner", "a short number"),
        ("Pi is 3.14159", "a decimal"),
        ("Run 5km today", "glued to letters"),
        ("Ring +47 22 33 44 55", "an international prefix"),
        ("In 1990 we moved", "a short number"),
    ],
)
def test_numbers_it_cannot_read_are_refused_not_guessed(text: str, why: str) -> None:
    with pytest.raises(ItemError) as refused:
        read_digits_aloud(text, "en")
    assert refused.value.code == "unsupported_number_format"
    assert why in refused.value.reason


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("50 % off", "unspoken_characters"),
        ("pay $ now", "unspoken_characters"),
        ("hi 🙂", "unspoken_characters"),
    ],
)
def test_unspeakable_characters_are_named(text: str, code: str) -> None:
    with pytest.raises(ItemError) as refused:
        check_speakable(text)
    assert refused.value.code == code
    assert repr(text.split()[1][0]) in refused.value.reason


def test_text_without_words_is_refused() -> None:
    for text in ("", "   ", "...!"):
        with pytest.raises(ItemError) as refused:
            spoken_form(text, "en")
        assert refused.value.code == "empty_text"


def test_the_shared_normaliser_is_used_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = importlib.util.find_spec("voxtune.text.normalise") is not None
    assert (shared_normaliser() is not None) == installed
    calls = []

    def fake(text: str, language: str) -> str:
        calls.append((text, language))
        return text.replace("25", "twenty-five")

    monkeypatch.setattr(spoken, "shared_normaliser", lambda: fake)
    assert spoken_form("It costs 25 kroner", "no") == "It costs twenty-five kroner"
    assert calls == [("It costs 25 kroner", "nb")]
    with pytest.raises(ItemError) as left_over:
        spoken_form("It costs 26 kroner", "nb")  # what a normaliser leaves unread is still caught
    assert left_over.value.code == "unspoken_characters"
