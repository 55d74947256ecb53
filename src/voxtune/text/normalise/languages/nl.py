"""Dutch: num2words for cardinals, ordinals and years, with its "honderdéén" compounds fixed."""

from __future__ import annotations

import re

from num2words import num2words

from voxtune.text.normalise.languages.base import Context, Currency, Language


def dutch_cardinal(n: int) -> str:
    """num2words' Dutch, writing "een" (not "één") inside compounds: "honderdeen", "tweehonderdeenduizend"."""
    words = num2words(n, lang="nl")
    words = re.sub(r"(?<=\w)één|één(?=\w)", "een", words)
    return re.sub(r"^een (?=miljoen|miljard)", "één ", words)


class Dutch(Language):
    """Dutch (Netherlands and Flanders)."""

    code = "nl"
    name = "Dutch"
    extra_punctuation = "„‚"
    digit_names = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "komma"
    fraction_as_number = True
    minus_word = "min"
    plus_word = "plus"
    percent_word = "procent"
    and_word = "en"
    range_word = "tot"
    minor_unit_after_major = False
    currencies = {
        "EUR": Currency("euro", "euro", "cent", "cent"),
        "USD": Currency("dollar", "dollar", "cent", "cent"),
        "GBP": Currency("pond", "pond", "penny", "pence"),
    }
    currency_symbols = {"€": "EUR", "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP"}
    scale_words = {"miljoen": ("miljoen", 10**6), "miljard": ("miljard", 10**9), "mln.": ("miljoen", 10**6),
                   "mld.": ("miljard", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "bestelling", "bestelnummer", "order", "ordernummer", "code", "telefoon", "tel", "telefoonnummer",
        "mobiel", "fax", "postcode", "rekening", "rekeningnummer", "iban", "referentie", "klantnummer",
        "factuur", "factuurnummer", "ticket", "boeking", "boekingsnummer", "vlucht", "pin", "bsn",
        "dossier", "locatie", "locatiecode", "vak",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "code")
    year_cues = frozenset(["in", "sinds", "jaar", "tot", "vanaf", "van"])
    time_cues = frozenset({"om", "tot", "vanaf"})
    time_words_after = frozenset({"uur"})
    months = frozenset({
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
        "november", "december",
    })  # fmt: skip
    number_abbreviations = {"nr.": "nummer", "tel.": "telefoon"}
    hash_word = "nummer"
    ordinal_patterns = (re.compile(r"(?P<n>\d+)(?P<suffix>ste|de|e)"),)

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return dutch_cardinal(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        return re.sub(r"(?<=\w)één", "een", num2words(n, lang="nl", to="ordinal"))

    def year(self, n: int) -> str:
        """Years in hundreds, one word: "negentienhonderdnegenennegentig"."""
        if 1100 <= n <= 1999:
            return num2words(n, lang="nl", to="year").replace(" ", "")
        return self.cardinal(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "tien uur dertig", "één uur"."""
        words = f"{dutch_cardinal(hour)} uur"
        return f"{words} {dutch_cardinal(minute)}" if minute else words
