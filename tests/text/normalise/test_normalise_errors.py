"""Per-item errors: every unreadable transcript raises NormaliseError with a stable code."""

from __future__ import annotations

import pickle

import pytest

from voxtune.errors import ItemError
from voxtune.text.normalise import NormaliseError, normalise

REJECTED = [
    # (language, text, code)
    ("en", "call 12-34- now", "malformed_number"),
    ("en", "version 1.2.3", "malformed_number"),
    ("en", "it ended 3:1", "malformed_number"),
    ("en", "at 25:00", "malformed_number"),
    ("en", "the 2st time", "malformed_number"),
    ("fr", "le 2er", "malformed_number"),
    ("es", "el 2.er", "malformed_number"),
    ("de", "1,2,3", "malformed_number"),
    ("en", "they won 3-1", "ambiguous_number"),
    ("en", "on 15.01.2024", "numeric_date"),
    ("en", "on 2024-01-15", "numeric_date"),
    ("en", "on 15/01/2024", "numeric_date"),
    ("en", "add 1/2 cup", "unsupported_number_format"),
    ("en", "at 10:30:15", "unsupported_number_format"),
    ("en", "it is 25°C", "unsupported_number_format"),
    ("en", "see x86_64", "unsupported_number_format"),
    ("nb", "på 1990-tallet", "unsupported_number_format"),
    ("es", "el 1000º", "unsupported_number_format"),
    ("en", "1,000,000,000,000 stars", "number_too_large"),
    ("te", "ధర £5", "unsupported_currency"),
    ("en", "nice 😀", "emoji"),
    ("en", "flag 🇳🇴 here", "emoji"),
    ("en", "bell\x07here", "control_character"),
    ("en", "shy\u200emark\u0600", "control_character"),
    ("en", "private \ue000 use", "invalid_character"),
]


@pytest.mark.parametrize(("language", "text", "code"), REJECTED)
def test_unreadable_text_raises_with_code(language: str, text: str, code: str) -> None:
    with pytest.raises(NormaliseError) as caught:
        normalise(text, language)
    assert caught.value.code == code
    assert caught.value.reason


def test_error_names_the_offending_text() -> None:
    with pytest.raises(NormaliseError) as caught:
        normalise("call 12-34- now", "en")
    assert "12-34-" in caught.value.reason
    with pytest.raises(NormaliseError) as caught:
        normalise("nice 😀", "en")
    assert caught.value.details["position"] == 5


def test_normalise_error_is_an_item_error_and_pickles() -> None:
    with pytest.raises(ItemError) as caught:
        normalise("they won 3-1", "en")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is NormaliseError
    assert (copy.code, copy.reason, copy.details) == (
        caught.value.code,
        caught.value.reason,
        caught.value.details,
    )


def test_emoji_can_be_stripped_instead() -> None:
    result = normalise("nice 😀 work 👍🏽!", "en", strip_emoji=True)
    assert result.text == "nice work!"
    assert normalise("nice😀work", "en", strip_emoji=True).text == "nice work"


def test_older_symbols_are_not_emoji() -> None:
    """© and ™ are symbols for the validator to report, not emoji to reject or strip."""
    assert normalise("Acme™ ©", "en").text == "Acme™ ©"


def test_lists_are_read_only_where_the_decimal_separator_is_a_point() -> None:
    assert normalise("1,2,3", "en").text == "one, two, three"
    assert normalise("1,2,3", "ms").text == "satu, dua, tiga"
    with pytest.raises(NormaliseError):
        normalise("1,2,3", "fr")
