"""How each digit is said on its own, per language: the words a dictated number is read with.

A digit-by-digit reading needs only these ten words per language, and num2words lacks Malay,
Norwegian and Luxembourgish, so the tables are our own. Malay reads a dictated 0 as "kosong"
("sifar" is the quantity).
"""

from __future__ import annotations

import unicodedata

DIGIT_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "te": ("సున్నా", "ఒకటి", "రెండు", "మూడు", "నాలుగు", "ఐదు", "ఆరు", "ఏడు", "ఎనిమిది", "తొమ్మిది"),
    "ms": ("kosong", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "lapan", "sembilan"),
    "nb": ("null", "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni"),
    "sv": ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"),
    "da": ("nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "lb": ("null", "eent", "zwee", "dräi", "véier", "fënnef", "sechs", "siwen", "aacht", "néng"),
}


def digit_words(digits: str, language: str) -> list[str]:
    """The words of ``digits`` read one digit at a time; decimal digits of any script (౧, ٣) count.

    Characters that are not digits (spaces, hyphens, brackets of a phone number) are not read.
    """
    names = DIGIT_NAMES[language]
    return [names[unicodedata.decimal(ch)] for ch in digits if unicodedata.decimal(ch, None) is not None]
