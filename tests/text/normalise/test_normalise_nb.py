"""Norwegian Bokmål spoken forms (also reached through the code ``no``)."""

from __future__ import annotations

import pytest
from num2words import num2words

from voxtune.text.normalise import get_language, normalise

CASES = [
    ("Jeg har 3 katter", "Jeg har tre katter"),
    ("7", "sju"),
    ("21", "tjueen"),
    ("45", "førtifem"),
    ("99", "nittini"),
    ("100", "hundre"),
    ("101", "hundre og en"),
    ("250", "to hundre og femti"),
    ("1000", "tusen"),
    ("1 000", "tusen"),
    ("1001", "tusen og en"),
    ("1.250", "tusen to hundre og femti"),
    ("2024", "to tusen og tjuefire"),
    ("12 345", "tolv tusen tre hundre og førtifem"),
    ("1 000 000", "en million"),
    ("2 500 000", "to millioner fem hundre tusen"),
    ("3,5", "tre komma fem"),
    ("3,14", "tre komma fjorten"),
    ("0,05", "null komma null fem"),
    ("-5 grader", "minus fem grader"),
    ("25 %", "tjuefem prosent"),
    ("10-20 personer", "ti til tjue personer"),
    # ordinals with a dot, dates
    ("3. plass", "tredje plass"),
    ("17. mai", "syttende mai"),
    ("1. januar", "første januar"),
    ("den 21. juni", "den tjueførste juni"),
    ("Jeg har 3. Så", "Jeg har tre. Så"),
    # years
    ("i 1999", "i nitten hundre og nittini"),
    ("i 1905", "i nitten hundre og fem"),
    ("i 2024", "i to tusen og tjuefire"),
    # clock times
    ("kl. 10.30", "klokka ti tretti"),
    ("kl. 9.05", "klokka ni null fem"),
    ("klokka 14:00", "klokka fjorten"),
    ("kl. 1.15", "klokka ett femten"),
    # money
    ("Det koster 25 kr", "Det koster tjuefem kroner"),
    ("Det koster 3,50 kr.", "Det koster tre kroner og femti øre."),
    ("kr 1,-", "en krone"),
    ("kr. 199,-", "hundre og nittini kroner"),
    ("0,50 kr", "femti øre"),
    ("€ 10", "ti euro"),
    # identifiers
    ("+47 22 33 44 55", "pluss fire sju to to tre tre fire fire fem fem"),
    ("ordrenummer 1296803", "ordrenummer en to ni seks åtte null tre"),
    ("postnummer 0150", "postnummer null en fem null"),
    ("telefon 415 55 555", "telefon fire en fem fem fem fem fem fem"),
    ("nr. 5", "nummer fem"),
    ("20-åring", "tjueåring"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_norwegian_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "nb").text == spoken


def test_no_is_norwegian_bokmal() -> None:
    assert normalise("i 1999", "no").text == "i nitten hundre og nittini"
    assert normalise("i 1999", "no").language == "nb"


def test_agrees_with_num2words_below_100_apart_from_seven() -> None:
    """num2words' "no" is right below 100 except that it writes 7 as "syv" where we use "sju"."""
    nb = get_language("nb")
    for n in range(100):
        assert nb.cardinal(n) == num2words(n, lang="no").replace("syv", "sju"), n


def test_fixes_num2words_large_numbers() -> None:
    nb = get_language("nb")
    assert num2words(2_000_000, lang="no") == "to million"  # wrong: plural is "millioner"
    assert nb.cardinal(2_000_000) == "to millioner"
    assert num2words(10**9, lang="no") == "en millard"  # wrong: "milliard"
    assert nb.cardinal(10**9) == "en milliard"
