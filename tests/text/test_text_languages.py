from __future__ import annotations

import pytest

from voxtune.errors import ConfigError, VoxtuneError
from voxtune.text.languages import (
    SUPPORTED_LANGUAGES,
    UnsupportedLanguageError,
    canonical_language,
    language,
    split_language_prefix,
    with_language_prefix,
)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("no", "nb"),
        ("nb-NO", "nb"),
        ("nob", "nb"),
        ("ms-MY", "ms"),
        ("fra", "fr"),
        (" lb ", "lb"),
        ("te", "te"),
    ],
)
def test_canonical_language_accepts_aliases_case_and_regions(code: str, expected: str) -> None:
    assert canonical_language(code) == expected


def test_all_eleven_target_languages_are_supported() -> None:
    assert set(SUPPORTED_LANGUAGES) == {
        "en", "te", "ms", "nb", "sv", "da", "de", "fr", "es", "nl", "lb",
    }  # fmt: skip


def test_unknown_code_raises_a_config_error_listing_supported_codes() -> None:
    with pytest.raises(UnsupportedLanguageError) as caught:
        canonical_language("xx")
    error = caught.value
    assert isinstance(error, ConfigError)
    assert isinstance(error, VoxtuneError)
    assert "'xx'" in str(error)
    for code in SUPPORTED_LANGUAGES:
        assert code in str(error.hint)
    assert "no->nb" in str(error.hint)


def test_espeak_speaks_bokmal_for_norwegian() -> None:
    assert language("no").espeak_voice == "nb"
    assert language("lb").lingua is None


def test_language_prefix_round_trip() -> None:
    prefixed = with_language_prefix("hei på deg", "no")
    assert prefixed == "<lang:nb> hei på deg"
    assert split_language_prefix(prefixed) == ("nb", "hei på deg")
    assert split_language_prefix("plain text") == (None, "plain text")
    with pytest.raises(UnsupportedLanguageError):
        with_language_prefix("x", "klingon")
