"""Malay (Malaysia), with English code-switching: Malay number words, English words left alone.

Our own tables: num2words' Indonesian ("id") says "delapan" and "miliar" where Malaysian Malay says
"lapan" and "bilion". Zero is "sifar" as a quantity and "kosong" when digits are read out (phone
numbers). "RM25" is "dua puluh lima ringgit"; "ke-2" is "kedua"; English ordinals ("1st") are read in
English, as a Manglish speaker would.
"""

from __future__ import annotations

import re

from voxtune.text.normalise.languages.base import Context, Currency, Language
from voxtune.text.normalise.languages.en import AM_PM_EN, ID_KEYWORDS_EN, English

UNITS = [
    "sifar", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "lapan", "sembilan",
]  # fmt: skip
SCALES = ((10**9, "bilion"), (10**6, "juta"))
ENGLISH_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})


def below_100(n: int) -> str:
    if n < 10:
        return UNITS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{UNITS[n - 10]} belas"
    tens, unit = divmod(n, 10)
    return f"{UNITS[tens]} puluh" + (f" {UNITS[unit]}" if unit else "")


def below_1000(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{UNITS[hundreds]} ratus")
    if rest:
        words.append(below_100(rest))
    return words


def cardinal_ms(n: int) -> str:
    if n == 0:
        return UNITS[0]
    words: list[str] = []
    for scale, name in SCALES:
        count, n = divmod(n, scale)
        if count:
            words += [*below_1000(count), name]
    thousands, rest = divmod(n, 1000)
    if thousands:
        words += ["seribu"] if thousands == 1 else [*below_1000(thousands), "ribu"]
    if rest:
        words += below_1000(rest)
    return " ".join(words)


class Malay(Language):
    """Malaysian Malay (Bahasa Melayu) as written in Malaysia, tolerating English words and ordinals."""

    code = "ms"
    name = "Malay"
    digit_names = ("kosong", *UNITS[1:])
    decimal_separator = "."
    group_separators = ","
    decimal_word = "perpuluhan"
    minus_word = "negatif"
    plus_word = "plus"
    percent_word = "peratus"
    and_word = "dan"
    range_word = "hingga"
    currencies = {
        "MYR": Currency("ringgit", "ringgit", "sen", "sen"),
        "USD": Currency("dolar", "dolar", "sen", "sen"),
        "SGD": Currency("dolar Singapura", "dolar Singapura", "sen", "sen"),
        "EUR": Currency("euro", "euro", "sen", "sen"),
        "GBP": Currency("paun", "paun", "peni", "peni"),
    }
    currency_symbols = {"RM": "MYR", "MYR": "MYR", "$": "USD", "US$": "USD", "USD": "USD", "S$": "SGD",
                        "SGD": "SGD", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP"}  # fmt: skip
    scale_words = {"ribu": ("ribu", 10**3), "juta": ("juta", 10**6), "bilion": ("bilion", 10**9),
                   "million": ("juta", 10**6), "billion": ("bilion", 10**9)}  # fmt: skip
    scale_suffixes = {"k": ("ribu", 10**3), "j": ("juta", 10**6), "m": ("juta", 10**6),
                      "mil": ("juta", 10**6), "b": ("bilion", 10**9), "bn": ("bilion", 10**9)}  # fmt: skip
    id_keywords = ID_KEYWORDS_EN | frozenset({
        "telefon", "hp", "pesanan", "kod", "poskod", "akaun", "rujukan", "pelanggan", "invois", "tiket",
        "tempahan", "penerbangan", "pin", "kad", "ic", "mykad", "plat", "pendaftaran",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nombor", "no", "number", "nr", "#"})
    time_cues = frozenset({"pukul", "jam", "at"})
    time_markers_after = frozenset({"pagi", "petang", "malam", "tengahari", "tengah"})
    am_pm = AM_PM_EN
    months = frozenset({
        "januari", "februari", "mac", "april", "mei", "jun", "julai", "ogos", "september", "oktober",
        "november", "disember",
    })  # fmt: skip
    number_abbreviations = {"no.": "nombor", "tel.": "telefon"}
    hash_word = "nombor"
    ordinal_patterns = (
        re.compile(r"(?P<suffix>[Kk]e-)(?P<n>\d+)"),
        re.compile(r"(?P<n>\d+)(?P<suffix>st|nd|rd|th)", re.IGNORECASE),
    )

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return cardinal_ms(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        """Malay ordinals "pertama", "kedua", "kedua puluh satu"; "1st" stays English ("first")."""
        if suffix.lower() in ENGLISH_ORDINAL_ENDINGS:
            return English().ordinal(n, context, suffix)
        return "pertama" if n == 1 else "ke" + cardinal_ms(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Read as written on a clock: "sepuluh tiga puluh", "sembilan kosong lima", "sepuluh"."""
        words = cardinal_ms(hour)
        if minute:
            words += f" kosong {UNITS[minute]}" if minute < 10 else f" {below_100(minute)}"
        return f"{words} {period}" if period else words
