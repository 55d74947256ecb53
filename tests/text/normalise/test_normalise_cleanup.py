"""Unicode cleanup: NFC, whitespace, invisible characters, dashes, apostrophes; spans stay exact."""

from __future__ import annotations

import unicodedata

import pytest

from voxtune.text.normalise import NormaliseError, normalise
from voxtune.text.normalise.cleanup import clean_text


def test_nfc_per_cluster_with_exact_spans() -> None:
    text = "cafe\u0301 ok"
    cleaned = clean_text(text, "fr")
    assert cleaned.text == "café ok" == unicodedata.normalize("NFC", text)
    assert cleaned.original_span(0, 4) == (0, 5)  # "café" came from five original characters
    assert cleaned.original_span(5, 7) == (6, 8)


def test_spans_of_tokens_index_the_original() -> None:
    text = "cafe\u0301\u00a0\u200border 007"
    result = normalise(text, "en")
    assert result.text == "café order zero zero seven"
    for token in result.tokens:
        assert text[token.start : token.end] == token.text
    assert result.tokens[-1].text == "007"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("a\u200bb", "ab"),  # zero-width space
        ("a\u00adb", "ab"),  # soft hyphen
        ("\ufeffhello", "hello"),  # byte-order mark
        ("x\u2014y", "x y"),  # em dash
        ("a--b", "a  b"),
        ("A\u00a0B\tC\nD", "A B C D"),
        ("don\u2019t", "don't"),
        ("\u2019quoted\u2019", "\u2019quoted\u2019"),  # quotes, not apostrophes
    ],
)
def test_cleanup_rules(text: str, cleaned: str) -> None:
    assert clean_text(text, "en").text == cleaned


def test_joiners_stay_inside_telugu_words_only() -> None:
    assert clean_text("క్\u200cష", "te").text == "క్\u200cష"
    assert clean_text("a \u200d b", "en").text == "a  b"


def test_telugu_digits_become_ascii_only_for_telugu() -> None:
    assert clean_text("౧౨౩", "te").text == "123"
    assert clean_text("౧౨౩", "en").text == "౧౨౩"


def test_control_characters_are_rejected() -> None:
    with pytest.raises(NormaliseError) as caught:
        clean_text("ab\x00c", "en")
    assert caught.value.code == "control_character"
    assert caught.value.details == {"character": "U+0000", "position": 2}


def test_clean_text_passes_through_with_identity_spans() -> None:
    text = "Plain text, 3 numbers: 1,250 and ధర ₹500."
    cleaned = clean_text(text, "en")
    assert cleaned.text == text
    assert cleaned.starts == tuple(range(len(text)))
    assert cleaned.ends == tuple(range(1, len(text) + 1))
