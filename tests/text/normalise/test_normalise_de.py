"""German spoken forms."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    ("Ich habe 3 Katzen", "Ich habe drei Katzen"),
    ("21", "einundzwanzig"),
    ("1.250 Menschen", "eintausendzweihundertfünfzig Menschen"),
    ("2.500", "zweitausendfünfhundert"),
    ("101.000", "einhunderteintausend"),
    ("1 000 000", "eine Million"),
    ("1 Million", "eine Million"),
    ("1,5 Millionen", "eins Komma fünf Millionen"),
    ("3,14", "drei Komma eins vier"),
    ("0,5", "null Komma fünf"),
    ("-5 Grad", "minus fünf Grad"),
    ("10-20 Personen", "zehn bis zwanzig Personen"),
    ("Es gibt 1 Problem", "Es gibt ein Problem"),
    ("Kapitel 1 beginnt", "Kapitel eins beginnt"),
    # percentages and money
    ("25 %", "fünfundzwanzig Prozent"),
    ("3,5 %", "drei Komma fünf Prozent"),
    ("Es kostet 3,50 €.", "Es kostet drei Euro fünfzig."),
    ("1 €", "ein Euro"),
    ("0,99 €", "neunundneunzig Cent"),
    ("€ 20", "zwanzig Euro"),
    ("25,- €", "fünfundzwanzig Euro"),
    ("2,5 Mio. €", "zwei Komma fünf Millionen Euro"),
    ("10 CHF", "zehn Franken"),
    # ordinals with a dot, dates
    ("am 3. Oktober", "am dritten Oktober"),
    ("3. Oktober 1990", "dritter Oktober neunzehnhundertneunzig"),
    ("der 2. Weltkrieg", "der zweite Weltkrieg"),
    ("zum 1. Mal", "zum ersten Mal"),
    ("Ich habe 3. Dann", "Ich habe drei. Dann"),
    # years and decades
    ("im Jahr 1999", "im Jahr neunzehnhundertneunundneunzig"),
    ("seit 2005", "seit zweitausendfünf"),
    ("die 1990er", "die neunzehnhundertneunziger"),
    ("die 90er", "die neunziger"),
    # clock times
    ("um 10:30 Uhr", "um zehn Uhr dreißig"),
    ("um 9.15 Uhr", "um neun Uhr fünfzehn"),
    ("10 Uhr", "zehn Uhr"),
    ("1 Uhr", "ein Uhr"),
    ("14:05", "vierzehn Uhr fünf"),
    # identifiers
    ("Bestellnummer 1296803", "Bestellnummer eins zwei neun sechs acht null drei"),
    ("Tel. 030 1234567", "Telefon null drei null eins zwei drei vier fünf sechs sieben"),
    ("PLZ 10115", "PLZ eins null eins eins fünf"),
    ("+49 30 1234567", "plus vier neun drei null eins zwei drei vier fünf sechs sieben"),
    ("Nr. 5", "Nummer fünf"),
    ("Kundennummer: 4711", "Kundennummer: vier sieben eins eins"),
    ("20-jährige", "zwanzigjährige"),
    ("Der Lagerplatz ist 145619.", "Der Lagerplatz ist eins vier fünf sechs eins neun."),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_german_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "de").text == spoken
