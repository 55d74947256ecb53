"""Swedish spoken forms."""

from __future__ import annotations

import pytest
from num2words import num2words

from voxtune.text.normalise import get_language, normalise

CASES = [
    ("Jag har 3 katter", "Jag har tre katter"),
    ("1", "ett"),
    ("21", "tjugoett"),
    ("40", "fyrtio"),
    ("99", "nittionio"),
    ("100", "hundra"),
    ("101", "hundraett"),
    ("250", "tvåhundrafemtio"),
    ("1000", "tusen"),
    ("1 250", "tusentvåhundrafemtio"),
    ("2024", "tvåtusentjugofyra"),
    ("21 000", "tjugoettusen"),
    ("1 000 000", "en miljon"),
    ("2 500 000", "två miljoner femhundratusen"),
    ("21 miljoner", "tjugoen miljoner"),
    ("3,14", "tre komma fjorton"),
    ("0,5", "noll komma fem"),
    ("-5 grader", "minus fem grader"),
    ("25 %", "tjugofem procent"),
    ("10-20 personer", "tio till tjugo personer"),
    # dates and written ordinals
    ("den 3 maj", "den tredje maj"),
    ("1 januari", "första januari"),
    ("3:e plats", "tredje plats"),
    ("1:a pris", "första pris"),
    ("21:a", "tjugoförsta"),
    # years
    ("i 1999", "i nittonhundranittionio"),
    ("år 1905", "år nittonhundrafem"),
    ("i 2024", "i tvåtusentjugofyra"),
    # clock times
    ("kl. 9.15", "klockan nio femton"),
    ("klockan 14:00", "klockan fjorton"),
    ("kl. 8.05", "klockan åtta noll fem"),
    # money
    ("Det kostar 25 kr", "Det kostar tjugofem kronor"),
    ("1 krona", "en krona"),
    ("1 kr", "en krona"),
    ("3,50 kr", "tre kronor och femtio öre"),
    ("0,01 kr", "ett öre"),
    ("€ 10", "tio euro"),
    # identifiers
    ("ordernummer 1296803", "ordernummer ett två nio sex åtta noll tre"),
    ("tel 08-123 456 78", "tel noll åtta ett två tre fyra fem sex sju åtta"),
    ("+46 8 123 456 78", "plus fyra sex åtta ett två tre fyra fem sex sju åtta"),
    ("personnummer 19900101-1234", "personnummer ett nio nio noll noll ett noll ett ett två tre fyra"),
    ("nr. 5", "nummer fem"),
    ("20-åring", "tjugoåring"),
    ("Platskoden är 145619.", "Platskoden är ett fyra fem sex ett nio."),
    ("Ställ pallen på plats 145619.", "Ställ pallen på plats ett fyra fem sex ett nio."),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_swedish_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "sv").text == spoken


def test_agrees_with_num2words_below_100_apart_from_forty() -> None:
    """num2words' Swedish writes 40 "förtio" (pronunciation) where the norm is "fyrtio"."""
    sv = get_language("sv")
    for n in range(100):
        assert sv.cardinal(n) == num2words(n, lang="sv").replace("förtio", "fyrtio"), n


def test_no_triple_consonants() -> None:
    assert num2words(1000, lang="sv") == "etttusen"  # the num2words spelling we avoid
    sv = get_language("sv")
    assert "ttt" not in " ".join(sv.cardinal(n) for n in (1000, 21000, 1001000, 31_000_000))
