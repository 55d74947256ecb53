"""Language codes and the consistency of every language's tables."""

from __future__ import annotations

import pytest

from voxtune.text import languages as text_languages
from voxtune.text.normalise import (
    SUPPORTED_LANGUAGES,
    UnsupportedLanguageError,
    canonical_language,
    get_language,
    normalise,
)
from voxtune.text.normalise.languages.base import MAX_CARDINAL


def test_supports_every_language_of_the_text_tools() -> None:
    assert set(SUPPORTED_LANGUAGES) == set(text_languages.SUPPORTED_LANGUAGES)
    assert set(SUPPORTED_LANGUAGES) == {"en", "te", "ms", "nb", "sv", "da", "de", "fr", "es", "nl", "lb"}


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("no", "nb"),
        ("NO", "nb"),
        ("nb-NO", "nb"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("deu", "de"),
        ("ltz", "lb"),
    ],
)
def test_aliases_and_regions(code: str, canonical: str) -> None:
    assert canonical_language(code) == canonical
    assert get_language(code).code == canonical


def test_unknown_language_lists_the_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguageError) as caught:
        normalise("3 cats", "xx")
    message = str(caught.value)
    assert "'xx'" in message
    for code in SUPPORTED_LANGUAGES:
        assert code in message


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_tables_are_consistent(code: str) -> None:
    lang = get_language(code)
    assert lang.code == code
    assert len(lang.digit_names) == 10 and len(set(lang.digit_names)) == 10
    assert set(lang.currency_symbols.values()) <= set(lang.currencies)
    assert lang.decimal_separator not in lang.group_separators
    assert all(value in (10**3, 10**5, 10**6, 10**7, 10**9) for _, value in lang.scale_words.values())
    assert all(
        key == key.lower() for key in (*lang.scale_words, *lang.number_abbreviations, *lang.id_keywords)
    )


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_number_words_exist_and_differ(code: str) -> None:
    """Every cardinal up to 1000 and a sample up to the limit has words, and no two are the same."""
    lang = get_language(code)
    sample = [*range(1001), 1999, 2024, 12_345, 100_000, 999_999, 1_000_001, 21_000_000, MAX_CARDINAL]
    words = [lang.cardinal(n) for n in sample]
    assert all(w.strip() and not any(ch.isdigit() for ch in w) for w in words)
    assert len(set(words)) == len(sample)
    ordinals = [lang.ordinal(n) for n in range(1, 101)]
    assert len(set(ordinals)) == 100


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_digit_strings_read_digit_by_digit(code: str) -> None:
    lang = get_language(code)
    assert normalise("0123456789", code).text == " ".join(lang.digit_names)
