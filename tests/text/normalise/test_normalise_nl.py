"""Dutch spoken forms."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    ("Ik heb 3 katten", "Ik heb drie katten"),
    ("1", "één"),
    ("21", "eenentwintig"),
    ("42", "tweeënveertig"),
    ("100", "honderd"),
    ("101", "honderdeen"),
    ("1000", "duizend"),
    ("1.001", "duizendeen"),
    ("1.250", "duizendtweehonderdvijftig"),
    ("2024", "tweeduizendvierentwintig"),
    ("201.000", "tweehonderdeenduizend"),
    ("1.000.000", "één miljoen"),
    ("2.500.000", "twee miljoen vijfhonderdduizend"),
    ("3,14", "drie komma veertien"),
    ("0,5", "nul komma vijf"),
    ("-5 graden", "min vijf graden"),
    ("10-20 mensen", "tien tot twintig mensen"),
    # percentages and money
    ("25%", "vijfentwintig procent"),
    ("€ 3,50", "drie euro vijftig"),
    ("€1", "één euro"),
    ("0,99 €", "negenennegentig cent"),
    # ordinals and dates
    ("1e", "eerste"),
    ("de 2e keer", "de tweede keer"),
    ("3e", "derde"),
    ("8e", "achtste"),
    ("1ste", "eerste"),
    ("20ste", "twintigste"),
    ("21e", "eenentwintigste"),
    ("op 3 mei", "op drie mei"),
    # years
    ("in 1999", "in negentienhonderdnegenennegentig"),
    ("sinds 2005", "sinds tweeduizendvijf"),
    # clock times
    ("om 9.15 uur", "om negen uur vijftien"),
    ("om 10:30", "om tien uur dertig"),
    ("14:00", "veertien uur"),
    ("1 uur", "één uur"),
    # identifiers
    ("bestelnummer 1296803", "bestelnummer één twee negen zes acht nul drie"),
    ("postcode 1012", "postcode één nul één twee"),
    ("tel. 06-12345678", "telefoon nul zes één twee drie vier vijf zes zeven acht"),
    ("+31 6 12345678", "plus drie één zes één twee drie vier vijf zes zeven acht"),
    ("nr. 5", "nummer vijf"),
    ("20-jarige", "twintigjarige"),
    ("Zet de pallet op locatie 145619.", "Zet de pallet op locatie één vier vijf zes één negen."),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_dutch_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "nl").text == spoken
