from __future__ import annotations

import unicodedata

import pytest

from voxtune.text.languages import UnsupportedLanguageError
from voxtune.text.scripts import (
    char_script,
    check_alphabet,
    check_characters,
    check_length,
    check_rate,
    check_script,
    check_transcript,
    count_letters,
    unexpected_characters,
)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_char_script_names() -> None:
    assert char_script("a") == "Latin"
    assert char_script("క") == "Telugu"
    assert char_script("\u0c3f") == "Telugu"  # vowel sign i
    assert char_script("п") == "Cyrillic"
    assert char_script("1") == "Common"
    assert char_script("\u0301") == "Inherited"


def test_telugu_transcript_in_telugu_script_passes() -> None:
    assert check_script("నేను తెలుగు మాట్లాడతాను", "te") == []
    # English words in Latin letters inside a Telugu transcript are tolerated.
    assert check_script("నేను office కి వెళ్తున్నాను", "te") == []


def test_latin_only_transcript_is_wrong_for_telugu() -> None:
    problems = check_script("nenu telugu matladatanu", "te")
    assert codes(problems) == ["wrong_script"]
    assert "0 of 21 letters are Telugu" in problems[0].reason
    assert problems[0].details["main_script_fraction"] == 0.0


def test_mostly_latin_telugu_transcript_is_wrong_but_threshold_is_settable() -> None:
    text = "meeting postponed to tomorrow అని"
    assert codes(check_script(text, "te")) == ["wrong_script"]
    assert check_script(text, "te", min_main_fraction=0.05) == []


def test_cyrillic_letters_in_a_latin_language_are_foreign() -> None:
    problems = check_script("Jeg heter привет Ola", "nb")
    assert codes(problems) == ["foreign_script"]
    assert "Cyrillic: п р и в е т" in problems[0].reason
    assert problems[0].details == {"scripts": {"Cyrillic": 6}}
    # Latin in Norwegian and Telugu in Norwegian are also told apart.
    assert codes(check_script("Jeg heter Ola నమస్కారం", "nb")) == ["foreign_script"]
    # With more foreign letters than Latin ones the transcript is in the wrong script as well.
    assert codes(check_script("Ola నమస్కారం", "nb")) == ["foreign_script", "wrong_script"]


def test_lookalike_cyrillic_letter_inside_a_latin_word_is_caught() -> None:
    problems = check_script("Hеllo", "en")  # the e is U+0435 CYRILLIC SMALL LETTER IE
    assert codes(problems) == ["foreign_script"]
    assert "е" in problems[0].reason


def test_tolerated_scripts_can_be_overridden() -> None:
    assert check_script("నమస్కారం అండి office", "te") == []
    assert codes(check_script("నమస్కారం అండి office", "te", tolerated=())) == ["foreign_script"]


def test_alphabet_letters_per_language() -> None:
    assert check_alphabet("Blåbærsyltetøy på kafé", "nb") == []  # é is a loan letter
    assert check_alphabet("Smörgåsbord", "sv") == []
    assert check_alphabet("Äddi, mir gesinn eis", "lb") == []
    problems = check_alphabet("Señor Straße", "nb")
    assert codes(problems) == ["unexpected_letters"]
    assert problems[0].details["chars"] == ["ñ", "ß"]
    assert "ñ ß" in problems[0].reason
    assert codes(check_alphabet("Straße", "sv")) == ["unexpected_letters"]
    assert check_alphabet("Straße", "de") == []
    assert check_alphabet("naïve café", "en") == []
    assert codes(check_alphabet("æble", "sv")) == ["unexpected_letters"]


def test_decomposed_accents_count_as_the_letter() -> None:
    decomposed = unicodedata.normalize("NFD", "kafé på")
    assert decomposed != "kafé på"
    assert check_alphabet(decomposed, "nb") == []
    # A mark with no precomposed letter stays a mark, and is flagged with a dotted circle.
    problems = check_alphabet("a\u030b", "nb")
    assert codes(problems) == ["unexpected_letters"]
    assert "◌\u030b" in problems[0].reason


def test_digits_are_flagged_only_on_request() -> None:
    assert check_alphabet("I have 21 apples", "en") == []
    problems = check_alphabet("I have 21 apples and ౩", "en", allow_digits=False)
    assert codes(problems) == ["digits"]
    assert problems[0].details["chars"] == ["2", "1", "౩"]


def test_emoji_control_and_invisible_characters() -> None:
    problems = check_characters("ok 😀 fine\x07 zero\u200bwidth \ue000 \ufffd", "en")
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {"emoji", "control_chars", "invisible_chars", "invalid_chars"}
    assert by_code["emoji"].details["chars"] == ["😀"]
    assert "U+0007" in by_code["control_chars"].reason
    assert "U+200B" in by_code["invisible_chars"].reason
    assert by_code["invalid_chars"].details["chars"] == ["\ue000", "\ufffd"]
    assert check_characters("line one\nline two\ttab", "en") == []


def test_zero_width_joiners_belong_to_telugu_but_not_to_english() -> None:
    telugu = "క\u0c4d\u200dష"
    assert check_characters(telugu, "te") == []
    assert codes(check_characters("a\u200db", "en")) == ["invisible_chars"]


def test_length_checks() -> None:
    assert codes(check_length("")) == ["empty"]
    assert codes(check_length("... !!")) == ["empty"]
    assert codes(check_length("a")) == ["too_short"]
    assert check_length("ok") == []
    assert codes(check_length("one two", min_words=3)) == ["too_short"]
    assert count_letters("నమస్కారం") == 8  # letters and vowel signs/virama


def test_rate_checks() -> None:
    assert check_rate("the cat sat on the mat", 1.5, "en") == []  # 16 letters/1.5 s
    fast = check_rate("this transcript is far too long for half a second", 0.5, "en")
    assert codes(fast) == ["too_fast"]
    assert fast[0].details["letters_per_s"] == pytest.approx(40 / 0.5)
    assert "80.0 letters/s" in fast[0].reason
    assert codes(check_rate("ok", 10.0, "en")) == ["too_slow"]
    assert check_rate("ok", 1.5, "en") == []  # too short a clip to call slow
    # Telugu's bound is its own: 26 letters per second passes in Latin, not in Telugu.
    assert check_rate("a" * 26, 1.0, "en") == []
    assert codes(check_rate("క" * 26, 1.0, "te")) == ["too_fast"]
    assert check_rate("a" * 26, 1.0, "en", limits=(1.0, 20.0))[0].code == "too_fast"
    with pytest.raises(ValueError, match="positive"):
        check_rate("ok", 0.0, "en")


def test_check_transcript_combines_checks() -> None:
    assert check_transcript("Jeg heter Ola", "nb", duration_s=1.2) == []
    problems = check_transcript("Hello привет 😀", "nb", duration_s=0.2)
    assert codes(problems) == ["emoji", "foreign_script", "wrong_script", "too_fast"]
    assert codes(check_transcript("😀", "en")) == ["empty", "emoji"]
    assert codes(check_transcript("hello", "te")) == ["wrong_script"]
    with pytest.raises(UnsupportedLanguageError):
        check_transcript("hello", "xx")


def test_unexpected_characters_over_a_corpus() -> None:
    texts = ["Señor Ola", "Ola 😀", "priс", "fine"]  # the last c of "priс" is Cyrillic
    counts = unexpected_characters(texts, "nb")
    assert counts == {"ñ": 1, "😀": 1, "с": 1}
