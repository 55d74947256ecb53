"""French: num2words for cardinals and ordinals (we fix "quatre-vingtsième"); clock times, money."""

from __future__ import annotations

import re

from num2words import num2words

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Currency, Language

FEMININE_SUFFIXES = frozenset({"re", "ère", "nde"})


def french_cardinal(n: int) -> str:
    return num2words(n, lang="fr")


def feminine(words: str) -> str:
    """Feminine form before feminine nouns: "vingt et un" -> "vingt et une" (heures, livres)."""
    return re.sub(r"\bun$", "une", words)


class French(Language):
    """French (France, Belgium, Switzerland, Luxembourg) with standard soixante-dix/quatre-vingts."""

    code = "fr"
    name = "French"
    extra_punctuation = "«»‹›"
    digit_names = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
    decimal_separator = ","
    group_separators = " ."
    decimal_word = "virgule"
    fraction_as_number = True
    minus_word = "moins"
    plus_word = "plus"
    percent_word = "pour cent"
    and_word = "et"
    range_word = "à"
    minor_unit_after_major = False
    currencies = {
        "EUR": Currency("euro", "euros", "centime", "centimes"),
        "USD": Currency("dollar", "dollars", "cent", "cents"),
        "GBP": Currency("livre", "livres", "penny", "pence", one_word="une"),
        "CHF": Currency("franc suisse", "francs suisses", "centime", "centimes"),
    }
    currency_symbols = {"€": "EUR", "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP",
                        "CHF": "CHF"}  # fmt: skip
    scale_words = {"million": ("millions", 10**6), "millions": ("millions", 10**6),
                   "milliard": ("milliards", 10**9), "milliards": ("milliards", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "commande", "code", "téléphone", "tél", "tel", "portable", "mobile", "fax", "postal", "compte",
        "référence", "réf", "client", "facture", "billet", "réservation", "vol", "suivi", "pin",
        "identifiant", "dossier",
    })  # fmt: skip
    weak_id_keywords = frozenset({"numéro", "n°", "nº", "no", "num"})
    months = frozenset({
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre",
    })  # fmt: skip
    number_abbreviations = {"n°": "numéro", "nº": "numéro", "no.": "numéro", "tél.": "téléphone"}
    hash_word = "numéro"
    number_sign_prefixes = ("#", "n°", "nº", "N°", "Nº")
    ordinal_patterns = (re.compile(r"(?P<n>\d+)(?P<suffix>er|re|ère|ème|eme|e|è|nd|nde)"),)
    hyphen_suffix_joiner = "-"
    hour_letter = "h"

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return french_cardinal(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        if suffix in ("er", "re", "ère") and n != 1:
            raise NormaliseError("malformed_number", f"'{n}{suffix}': only 1 takes the ending '{suffix}'")
        if suffix in ("nd", "nde"):
            if n != 2:
                raise NormaliseError("malformed_number", f"'{n}{suffix}': only 2 takes the ending '{suffix}'")
            return "seconde" if suffix == "nde" else "second"
        if n == 1:
            return "première" if suffix in FEMININE_SUFFIXES else "premier"
        words = num2words(n, lang="fr", to="ordinal")
        return words.replace("vingtsième", "vingtième").replace("centsième", "centième")

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "dix heures trente", "une heure", "vingt et une heures"."""
        noun = "heure" if hour <= 1 else "heures"
        words = f"{feminine(french_cardinal(hour))} {noun}"
        return f"{words} {french_cardinal(minute)}" if minute else words

    def day_of_month(self, n: int, context: Context) -> str:
        """Dates use cardinals except the first: "le premier mai", "le trois mai"."""
        return "premier" if n == 1 else french_cardinal(n)

    def count(self, n: int, one_word: str | None = None) -> str:
        if one_word == "une":
            return feminine(french_cardinal(n))
        return super().count(n, one_word)

    def unit_after(self, amount_words: str, unit: str) -> str:
        """An amount and its unit; a round million takes "de": "un million d'euros"."""
        return f"{amount_words} {_de(unit)}" if _ends_with_scale(amount_words) else f"{amount_words} {unit}"


def _ends_with_scale(words: str) -> bool:
    return words.split()[-1] in ("million", "millions", "milliard", "milliards")


def _de(unit: str) -> str:
    return f"d'{unit}" if unit[:1] in "aeiouyéè" else f"de {unit}"
