"""German: num2words for cardinals, ordinals and years; we add ordinal endings, clock times and money."""

from __future__ import annotations

import re

from num2words import num2words

from voxtune.text.normalise.languages.base import Context, Currency, Language


def german_cardinal(n: int) -> str:
    """num2words' German, fixing "hunderteinstausend" -> "hunderteintausend" (and "...eine Millionen")."""
    words = num2words(n, lang="de")
    words = re.sub(r"eins(?=tausend)", "ein", words)
    return re.sub(r"(?<=\w)eins (?=Million|Milliard)", "eine ", words)


# Words before "3." that need the weak ending "-en" (am dritten Mai) or "-e" (der dritte Mai).
WEAK_N_BEFORE = frozenset({
    "am", "im", "zum", "vom", "beim", "dem", "den", "des", "zur",
})  # fmt: skip
WEAK_E_BEFORE = frozenset(["der", "die", "das"])


class German(Language):
    """Standard German (Germany, Austria, Switzerland)."""

    code = "de"
    name = "German"
    extra_punctuation = "„‚«»‹›"
    digit_names = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "Komma"
    minus_word = "minus"
    plus_word = "plus"
    percent_word = "Prozent"
    and_word = "und"
    range_word = "bis"
    minor_unit_after_major = False
    currencies = {
        "EUR": Currency("Euro", "Euro", "Cent", "Cent", one_word="ein", minor_one_word="ein"),
        "USD": Currency("Dollar", "Dollar", "Cent", "Cent", one_word="ein", minor_one_word="ein"),
        "GBP": Currency("Pfund", "Pfund", "Penny", "Pence", one_word="ein", minor_one_word="ein"),
        "CHF": Currency("Franken", "Franken", "Rappen", "Rappen", one_word="ein", minor_one_word="ein"),
    }
    currency_symbols = {"€": "EUR", "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP",
                        "CHF": "CHF", "Fr.": "CHF", "SFr.": "CHF"}  # fmt: skip
    scale_words = {"million": ("Millionen", 10**6), "millionen": ("Millionen", 10**6),
                   "mio.": ("Millionen", 10**6), "milliarde": ("Milliarden", 10**9),
                   "milliarden": ("Milliarden", 10**9), "mrd.": ("Milliarden", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "bestellung", "bestellnummer", "auftrag", "auftragsnummer", "code", "kennung", "telefon", "tel",
        "handy", "mobil", "fax", "postleitzahl", "plz", "konto", "kontonummer", "iban", "referenz",
        "aktenzeichen", "kundennummer", "rechnung", "rechnungsnummer", "ticket", "buchung",
        "buchungsnummer", "sendungsnummer", "flug", "pin", "id", "ausweis", "vorwahl", "durchwahl",
        "lagerplatz", "stellplatz", "lagerort", "fach",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "code")
    year_cues = frozenset({
        "jahr", "jahre", "jahres", "jahren", "seit", "anno", "bis", "von", "ab", "frühjahr", "sommer",
        "herbst", "winter",
    })  # fmt: skip
    time_cues = frozenset({"um", "gegen", "ab", "bis"})
    time_words_after = frozenset({"uhr"})
    months = frozenset({
        "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
        "oktober", "november", "dezember",
    })  # fmt: skip
    number_abbreviations = {"nr.": "Nummer", "tel.": "Telefon"}
    hash_word = "Nummer"
    ordinal_dot = True
    nouns_capitalised = True
    ordinal_dot_articles = WEAK_N_BEFORE | WEAK_E_BEFORE

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        if n == 1 and attributive:
            return "ein"
        return german_cardinal(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        """The ordinal with the ending its article asks for: "am dritten", "der dritte", "dritter Oktober"."""
        base = num2words(n, lang="de", to="ordinal")
        before = context.previous[0] if context.previous else ""
        if before in WEAK_N_BEFORE:
            return base + "n"
        if before in WEAK_E_BEFORE:
            return base
        if context.next_is_month:
            return base + "r"
        return base

    def year(self, n: int) -> str:
        return num2words(n, lang="de", to="year")

    def decade(self, n: int) -> str | None:
        """Decades: "1990er" -> "neunzehnhundertneunziger", "90er" -> "neunziger"."""
        if n % 10:
            return None
        if 20 <= n <= 90:
            return german_cardinal(n) + "er"
        if 1000 <= n <= 2090:
            return self.year(n) + "er"
        return None

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "zehn Uhr dreißig", "ein Uhr"."""
        words = f"{self.cardinal(hour, attributive=True)} Uhr"
        return f"{words} {self.cardinal(minute)}" if minute else words

    def day_of_month(self, n: int, context: Context) -> str:
        return self.ordinal(n, context)
