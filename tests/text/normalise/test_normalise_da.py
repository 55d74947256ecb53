"""Danish spoken forms (vigesimal tens, "og" before the last part)."""

from __future__ import annotations

import re

import pytest
from num2words import num2words

from voxtune.text.normalise import get_language, normalise

CASES = [
    ("Jeg har 3 katte", "Jeg har tre katte"),
    ("21", "enogtyve"),
    ("45", "femogfyrre"),
    ("50", "halvtreds"),
    ("58", "otteoghalvtreds"),
    ("60", "tres"),
    ("70", "halvfjerds"),
    ("80", "firs"),
    ("90", "halvfems"),
    ("99", "nioghalvfems"),
    ("100", "hundrede"),
    ("101", "hundrede og en"),
    ("250", "to hundrede og halvtreds"),
    ("1000", "tusind"),
    ("1.000", "tusind"),
    ("1.250", "tusind to hundrede og halvtreds"),
    ("2024", "to tusind og fireogtyve"),
    ("100.000", "hundrede tusind"),
    ("1.000.000", "en million"),
    ("2.500.000", "to millioner fem hundrede tusind"),
    ("3,14", "tre komma fjorten"),
    ("-5 grader", "minus fem grader"),
    ("25 %", "femogtyve procent"),
    ("10-20 personer", "ti til tyve personer"),
    # ordinals with a dot, dates
    ("3. maj", "tredje maj"),
    ("den 1. januar", "den første januar"),
    ("24. december", "fireogtyvende december"),
    ("2. plads", "anden plads"),
    ("30. juni", "tredivte juni"),
    # years
    ("i 1999", "i nitten hundrede og nioghalvfems"),
    ("i 2024", "i to tusind og fireogtyve"),
    # clock times
    ("kl. 14.45", "klokken fjorten femogfyrre"),
    ("kl. 9.05", "klokken ni nul fem"),
    # money
    ("Det koster 1.250 kr.", "Det koster tusind to hundrede og halvtreds kroner."),
    ("Det koster 1 kr.", "Det koster en krone."),
    ("3,50 kr", "tre kroner og halvtreds øre"),
    ("0,50 kr", "halvtreds øre"),
    ("kr. 199,-", "hundrede og nioghalvfems kroner"),
    # identifiers
    ("telefon 12 34 56 78", "telefon en to tre fire fem seks syv otte"),
    ("+45 12 34 56 78", "plus fire fem en to tre fire fem seks syv otte"),
    ("ordrenummer 1296803", "ordrenummer en to ni seks otte nul tre"),
    ("nr. 7", "nummer syv"),
    ("20-årig", "tyveårig"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_danish_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "da").text == spoken


def test_agrees_with_num2words_below_100_apart_from_sixty() -> None:
    """num2words' Danish is right for the vigesimal compounds but spells 60 "treds" (modern: "tres")."""
    da = get_language("da")
    for n in range(2, 100):
        assert da.cardinal(n) == re.sub("(?<!halv)treds", "tres", num2words(n, lang="da")), n


def test_fixes_num2words_large_numbers() -> None:
    da = get_language("da")
    assert num2words(10**6, lang="da") == "en millioner"  # wrong: singular "million"
    assert da.cardinal(10**6) == "en million"
    assert num2words(1001, lang="da") == "ettusinde og et"  # wrong: "tusind og en"
    assert da.cardinal(1001) == "tusind og en"
