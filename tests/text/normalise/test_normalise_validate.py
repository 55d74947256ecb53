"""The final validator: digits, symbols and control characters left in spoken text are reported."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from voxtune.text.normalise import NormaliseError, ensure_spoken, normalise, validate_spoken

HERE = Path(__file__).parent


def _language_cases() -> list[tuple[str, str]]:
    """Every (language, input) of the per-language tables."""
    cases = []
    for path in sorted(HERE.glob("test_normalise_??.py")):
        spec = importlib.util.spec_from_file_location(f"_cases_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += [(path.stem[-2:], text) for text, _ in module.CASES]
    return cases


def test_clean_spoken_text_has_no_problems() -> None:
    assert validate_spoken("I have three cats.", "en") == []
    assert validate_spoken("¿Tienes dos hermanos?", "es") == []
    assert validate_spoken("«Bonjour», dit-il.", "fr") == []
    assert validate_spoken("ధర ఐదు వందల రూపాయలు।", "te") == []
    assert validate_spoken("క్\u200cష", "te") == []


def test_every_table_case_comes_out_spoken() -> None:
    cases = _language_cases()
    assert len(cases) >= 11 * 40
    for language, text in cases:
        spoken = normalise(text, language).text
        assert validate_spoken(spoken, language) == [], (language, text, spoken)


@pytest.mark.parametrize(
    ("text", "group", "shown"),
    [
        ("I have 3 cats", "digits", "'3'"),
        ("ధర ౫౦౦", "digits", "'౫'"),
        ("costs 5 dollars", "digits", "'5'"),
        ("costs $", "symbols", "'$'"),
        ("mail me@example.com", "symbols", "'@'"),
        ("fifty %", "symbols", "'%'"),
        ("and/or", "symbols", "'/'"),
        ("[music]", "symbols", "'['"),
        ("nice 😀", "symbols", "'😀'"),
        ("bell\x07", "control characters", "U+0007"),
        ("¿qué?", "symbols", "'¿'"),
        ("½ cup", "digits", "'½'"),
    ],
)
def test_problems_are_reported(text: str, group: str, shown: str) -> None:
    language = "te" if "ధర" in text else "en"
    problems = validate_spoken(text, language)
    assert len(problems) == 1
    assert problems[0].startswith(f"{group} not spoken in")
    assert shown in problems[0]


def test_each_group_is_reported_once_with_the_first_position() -> None:
    problems = validate_spoken("a 1 b 2 $ c 3 %", "en")
    assert problems == [
        "digits not spoken in English: '1', '2', '3' (first at character 2)",
        "symbols not spoken in English: '$', '%' (first at character 8)",
    ]


def test_ensure_spoken_raises_an_item_error() -> None:
    ensure_spoken("three cats", "en")
    with pytest.raises(NormaliseError) as caught:
        ensure_spoken("3 cats", "en")
    assert caught.value.code == "unspoken_characters"
    assert caught.value.details["problems"] == validate_spoken("3 cats", "en")
