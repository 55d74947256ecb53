"""French spoken forms."""

from __future__ import annotations

import pytest

from voxtune.text.normalise import normalise

CASES = [
    ("J'ai 3 chats", "J'ai trois chats"),
    ("3 chats et 1 chien", "trois chats et un chien"),
    ("21", "vingt et un"),
    ("71", "soixante et onze"),
    ("80", "quatre-vingts"),
    ("99", "quatre-vingt-dix-neuf"),
    ("101", "cent un"),
    ("200", "deux cents"),
    ("1000", "mille"),
    ("2 500 personnes", "deux mille cinq cents personnes"),
    ("1 000 000", "un million"),
    ("3,14", "trois virgule quatorze"),
    ("3,05", "trois virgule zéro cinq"),
    ("0,5", "zéro virgule cinq"),
    ("-5 degrés", "moins cinq degrés"),
    ("10-20 personnes", "dix à vingt personnes"),
    # percentages and money
    ("25 %", "vingt-cinq pour cent"),
    ("3,50 €", "trois euros cinquante"),
    ("1 €", "un euro"),
    ("0,50 €", "cinquante centimes"),
    ("1 000 000 €", "un million d'euros"),
    ("2 millions €", "deux millions d'euros"),
    ("£5", "cinq livres"),
    ("1 £", "une livre"),
    # ordinals and dates
    ("le 1er mai", "le premier mai"),
    ("le 1 mai", "le premier mai"),
    ("le 3 mai", "le trois mai"),
    ("la 1re fois", "la première fois"),
    ("la 2e place", "la deuxième place"),
    ("le 21e siècle", "le vingt et unième siècle"),
    ("le 80e", "le quatre-vingtième"),
    ("le 2nd", "le second"),
    ("en 1999", "en mille neuf cent quatre-vingt-dix-neuf"),
    # clock times
    ("à 10h30", "à dix heures trente"),
    ("à 21h", "à vingt et une heures"),
    ("1h05", "une heure cinq"),
    ("à 14:45", "à quatorze heures quarante-cinq"),
    # identifiers
    ("numéro de commande 1296803", "numéro de commande un deux neuf six huit zéro trois"),
    ("n°5", "numéro cinq"),
    ("code postal 75001", "code postal sept cinq zéro zéro un"),
    ("Tél. 01 23 45 67 89", "téléphone zéro un deux trois quatre cinq six sept huit neuf"),
    ("+33 1 23 45 67 89", "plus trois trois un deux trois quatre cinq six sept huit neuf"),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_french_spoken_form(text: str, spoken: str) -> None:
    assert normalise(text, "fr").text == spoken
