"""Luxembourgish spoken forms (our own tables: num2words has no Luxembourgish)."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    ("Ech hunn 3 Kazen", "Ech hunn dräi Kazen"),
    ("1", "eent"),
    ("7", "siwen"),
    ("21", "eenanzwanzeg"),
    ("27", "siwenanzwanzeg"),
    ("35", "fënnefandrësseg"),
    ("41", "eenavéierzeg"),
    ("51", "eenafofzeg"),
    ("81", "eenanachtzeg"),
    ("99", "néngannonzeg"),
    ("100", "honnert"),
    ("101", "honnerteent"),
    ("121", "honnerteenanzwanzeg"),
    ("200", "zweehonnert"),
    ("1.100", "dausendeenhonnert"),
    ("1.219", "dausendzweehonnertnonzéng"),
    ("2.000", "zweedausend"),
    ("15.998", "fofzéngdausendnénghonnertaachtannonzeg"),
    ("1.000.000", "eng Millioun"),
    ("2.000.000", "zwou Milliounen"),
    ("3,14", "dräi Komma eent véier"),
    ("15,998", "fofzéng Komma néng néng aacht"),
    ("-5 Grad", "minus fënnef Grad"),
    ("10-20 Leit", "zéng bis zwanzeg Leit"),
    # percentages and money (the Eifel rule drops the n of "een" before most consonants)
    ("25 %", "fënnefanzwanzeg Prozent"),
    ("Et kascht 3,50 €", "Et kascht dräi Euro fofzeg"),
    ("1 €", "een Euro"),
    ("1 Cent", "ee Cent"),
    ("0,01 €", "ee Cent"),
    # ordinals and dates
    ("den 3. Oktober", "den drëtten Oktober"),
    ("den 1. Mee", "den éischten Mee"),
    ("de 24. Dezember", "de véieranzwanzegsten Dezember"),
    # years
    ("zënter 1999", "zënter nonzénghonnertnéngannonzeg"),
    ("am Joer 2024", "am Joer zweedausendvéieranzwanzeg"),
    # clock times (Auer is feminine: eng, zwou)
    ("um 10:30 Auer", "um zéng Auer drësseg"),
    ("um 1:00", "um eng Auer"),
    ("um 2 Auer", "um zwou Auer"),
    # identifiers
    ("Telefonsnummer 621 123 456", "Telefonsnummer sechs zwee eent eent zwee dräi véier fënnef sechs"),
    ("+352 621 123 456", "plus dräi fënnef zwee sechs zwee eent eent zwee dräi véier fënnef sechs"),
    ("Nr. 5", "Nummer fënnef"),
    (
        "Matricule 1990010112345",
        "Matricule eent néng néng null null eent null eent eent zwee dräi véier fënnef",
    ),
    (
        "Kënnt Dir d'Bestellung 4417093 confirméieren?",
        "Kënnt Dir d'Bestellung véier véier eent siwen null néng dräi confirméieren?",
    ),
    (
        "Stellt d'Palett op de Standuert 145619.",
        "Stellt d'Palett op de Standuert eent véier fënnef sechs eent néng.",
    ),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_luxembourgish_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "lb").text == spoken
