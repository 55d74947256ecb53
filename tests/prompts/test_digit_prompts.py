"""Digit-dictation scripts: every digit in every position, spoken forms, local formats, languages."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pytest

from voxtune.errors import ConfigError
from voxtune.prompts import digit_coverage, digit_prompts, generate_prompts
from voxtune.prompts.digit_names import DIGIT_NAMES
from voxtune.prompts.number_formats import BalancedDigits, NumberFormat
from voxtune.text.languages import SUPPORTED_LANGUAGES, UnsupportedLanguageError

ENGLISH_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# Positions of each language's (mobile) phone numbers that only some digits may take: area codes
# never start with 0 or 1, Norwegian mobiles start with 4 or 9, Dutch ones with 06, ... Every other
# position takes all ten digits.
RESTRICTED_PHONE_POSITIONS = {
    "en": {0: set("23456789"), 3: set("23456789")},
    "te": {0: set("6789")},
    "ms": {0: {"0"}, 1: {"1"}},
    "nb": {0: {"4", "9"}},
    "sv": {0: {"0"}, 1: {"7"}, 2: set("02369")},
    "da": {0: set("23456789")},
    "de": {0: {"0"}, 1: {"1"}, 2: set("567")},
    "fr": {0: {"0"}, 1: {"6", "7"}},
    "es": {0: {"6", "7"}},
    "nl": {0: {"0"}, 1: {"6"}},
    "lb": {0: {"6"}, 1: {"2", "6", "9"}, 2: {"1"}},
}
NUMBER = re.compile(r"[0-9(][0-9() -]*[0-9]")


def digits_by_position(texts: list[str]) -> dict[int, set[str]]:
    """Read the number out of each display text and collect the digits seen at each position."""
    seen: dict[int, set[str]] = defaultdict(set)
    for text in texts:
        matches = NUMBER.findall(text)
        assert len(matches) == 1, text
        for position, digit in enumerate(ch for ch in matches[0] if ch.isdigit()):
            seen[position].add(digit)
    return seen


@pytest.mark.parametrize("language", sorted(DIGIT_NAMES))
def test_fifty_prompts_cover_every_digit_in_every_position(language: str) -> None:
    prompts = digit_prompts(language, 50, seed=3)
    assert len(prompts) == 50
    by_kind: dict[str, list[str]] = defaultdict(list)
    for prompt in prompts:
        by_kind[prompt.kind].append(prompt.text)
    assert set(by_kind) == {"order_number", "location_code", "phone_number"}
    for kind, length in (("order_number", 7), ("location_code", 6)):
        seen = digits_by_position(by_kind[kind])
        assert sorted(seen) == list(range(length))
        assert all(seen[p] == set("0123456789") for p in range(length)), (kind, seen)
    phone = digits_by_position(by_kind["phone_number"])
    restricted = RESTRICTED_PHONE_POSITIONS[language]
    for position, digits in phone.items():
        assert digits == restricted.get(position, set("0123456789")), (language, position, digits)
    assert len(phone) >= 8
    assert all(report.complete for report in digit_coverage(prompts).values())


def test_numbers_stand_alone_and_in_sentences() -> None:
    prompts = digit_prompts("en", 30)
    alone = [p for p in prompts if NUMBER.fullmatch(p.text)]
    assert 5 <= len(alone) <= 15
    in_sentences = [p for p in prompts if not NUMBER.fullmatch(p.text)]
    assert {p.meta["in_sentence"] for p in in_sentences} == {True}
    assert len({NUMBER.sub("#", p.text) for p in in_sentences}) >= 8  # varied carrier sentences


def test_spoken_form_reads_each_digit_by_name() -> None:
    for prompt in digit_prompts("en", 24, seed=1):
        digits = [ch for ch in NUMBER.findall(prompt.text)[0] if ch.isdigit()]
        names = [ENGLISH_DIGITS[int(d)] for d in digits]
        words = re.findall(r"[a-z']+", prompt.spoken.lower())
        assert any(words[i : i + len(names)] == names for i in range(len(words))), prompt
        assert not re.search(r"[0-9]", prompt.spoken)
        assert NUMBER.sub(" ".join(names), prompt.text).replace(" ?", "?") == prompt.spoken.replace(" ?", "?")


def test_local_phone_formats() -> None:
    norwegian = [p.text for p in digit_prompts("nb", 30) if p.kind == "phone_number"]
    assert all(re.search(r"\b[49]\d\d \d\d \d\d\d\b", text) for text in norwegian)
    american = [p.text for p in digit_prompts("en", 30) if p.kind == "phone_number"]
    assert all(re.search(r"\([2-9]\d\d\) [2-9]\d\d-\d{4}", text) for text in american)


def test_same_seed_same_script_other_seed_other_numbers() -> None:
    assert digit_prompts("sv", 20, seed=5) == digit_prompts("sv", 20, seed=5)
    assert [p.text for p in digit_prompts("sv", 20, seed=5)] != [
        p.text for p in digit_prompts("sv", 20, seed=6)
    ]


def test_short_scripts_report_what_they_miss() -> None:
    report = digit_coverage(digit_prompts("en", 12, kinds=("order_number",)))
    assert report["order_number"].numbers == 12 and report["order_number"].complete
    short = digit_coverage(digit_prompts("en", 9))
    # 3 order numbers cover 3 of the 10 digits at each of 7 positions
    assert len(short["order_number"].missing) == 7 * 7
    lines = generate_prompts("digits", "en", 9).coverage
    assert any("pairs missing" in line for line in lines)


def test_pattern_slots_and_balanced_picker() -> None:
    pattern = NumberFormat("phone_number", "(N#) 0[49]#")
    assert [(s.index, s.allowed) for s in pattern.slots] == [
        (0, "23456789"),
        (1, "0123456789"),
        (3, "49"),
        (4, "0123456789"),
    ]
    assert pattern.render("2749") == "(27) 049"
    picker = BalancedDigits(pattern, np.random.default_rng(0))
    numbers = [picker.next_number() for _ in range(10)]
    assert {n[1] for n in numbers} == set("23456789") and {n[6] for n in numbers} == {"4", "9"}
    assert {n[2] for n in numbers} == set("0123456789")


def test_unknown_number_kinds_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown number kinds") as error:
        digit_prompts("en", 5, kinds=("order_number", "pin_code"))
    assert "order_number, location_code, phone_number" in error.value.hint


def test_unsupported_languages_list_the_supported_ones() -> None:
    with pytest.raises(UnsupportedLanguageError) as unknown:
        digit_prompts("xx")
    assert all(code in unknown.value.hint for code in SUPPORTED_LANGUAGES)
    with pytest.raises(UnsupportedLanguageError) as no_particles:
        generate_prompts("particles", "nb")
    assert "no 'particles' prompts for Norwegian Bokmål" in no_particles.value.what
    assert no_particles.value.hint == "'particles' prompts exist for: ms"
