"""Text of the demo corpus: a few sentences per use case, in the display form a transcript would have.

Digit strings stay digits here (as a transcriber would write them); the normalise stage turns them into
spoken words. The Nordic sentences are parallel, so they double as language-confusion material.
"""

from __future__ import annotations

TELUGU = [
    "నమస్కారం, మీరు ఎలా ఉన్నారు?",
    "నేను బాగున్నాను, ధన్యవాదాలు.",
    "ఈ రోజు వాతావరణం చాలా బాగుంది.",
    "మీ పేరు ఏమిటి?",
    "నాకు తెలుగు మాట్లాడటం ఇష్టం.",
    "దయచేసి నెమ్మదిగా మాట్లాడండి.",
    "మేము రేపు హైదరాబాద్ వెళ్తున్నాము.",
    "ఈ పుస్తకం చాలా ఆసక్తికరంగా ఉంది.",
]

MALAYSIAN = [
    "Saya nak go to the mall lah.",
    "Jangan lupa bring your umbrella, nanti hujan leh.",
    "Dia sudah makan already lor.",
    "Betul ke? You serious meh?",
    "Itu memang macam tu mah.",
    "Cepat sikit, we are late loh.",
    "Saya suka makan nasi lemak.",
    "Terima kasih banyak, jumpa lagi.",
]

NORWEGIAN = [
    "Jeg liker kjøtt og poteter.",
    "Hvor mye koster billetten til Bergen?",
    "Vi skal på kino i kveld.",
    "Det regner i dag.",
    "Kan du hjelpe meg med dette?",
    "Barna leker ute i hagen.",
]

SWEDISH = [
    "Jag tycker om kött och potatis.",
    "Hur mycket kostar biljetten till Göteborg?",
    "Vi ska gå på bio i kväll.",
    "Det regnar i dag.",
    "Kan du hjälpa mig med det här?",
    "Barnen leker ute i trädgården.",
]

DANISH = [
    "Jeg kan godt lide kød og kartofler.",
    "Hvor meget koster billetten til Aarhus?",
    "Vi skal i biografen i aften.",
    "Det regner i dag.",
    "Kan du hjælpe mig med det her?",
    "Børnene leger ude i haven.",
]

LUXEMBOURGISH = [
    "Moien, wéi geet et dir?",
    "Ech schwätze Lëtzebuergesch.",
    "Mir ginn haut op de Maart.",
    "Wat kascht dat?",
    "Merci fir deng Hëllef.",
    "D'Wieder ass haut schéin.",
    "Ech wunnen zu Lëtzebuerg.",
    "Bis muer!",
]

DIGITS = [
    "order number 1296803",
    "location code 145619",
    "my phone is 310-555-1234",
    "please confirm order 4417093",
    "the code is 902384",
    "my account number is 55120934",
    "call me back on 020-7946-0958",
    "reference 7730215 please",
]

LANGUAGE_SENTENCES: dict[str, list[str]] = {
    "te": TELUGU,
    "ms": MALAYSIAN,
    "nb": NORWEGIAN,
    "sv": SWEDISH,
    "da": DANISH,
    "lb": LUXEMBOURGISH,
    "en": DIGITS,
}
