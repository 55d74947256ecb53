"""English: num2words for cardinals, ordinals and years (British "and"), our own dates and clock times."""

from __future__ import annotations

import re

from num2words import num2words

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Currency, Language

CURRENCIES_EN = {
    "USD": Currency("dollar", "dollars", "cent", "cents"),
    "EUR": Currency("euro", "euros", "cent", "cents"),
    "GBP": Currency("pound", "pounds", "penny", "pence"),
    "INR": Currency("rupee", "rupees", "paisa", "paise"),
    "MYR": Currency("ringgit", "ringgit", "sen", "sen"),
    "SGD": Currency("Singapore dollar", "Singapore dollars", "cent", "cents"),
    "CHF": Currency("Swiss franc", "Swiss francs", "centime", "centimes"),
    "NOK": Currency("Norwegian krone", "Norwegian kroner", "øre", "øre"),
    "SEK": Currency("Swedish krona", "Swedish kronor", "öre", "öre"),
    "DKK": Currency("Danish krone", "Danish kroner", "øre", "øre"),
}
SYMBOLS_EN = {
    "$": "USD", "US$": "USD", "USD": "USD", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "₹": "INR", "Rs": "INR", "Rs.": "INR", "INR": "INR", "RM": "MYR", "MYR": "MYR", "S$": "SGD",
    "SGD": "SGD", "CHF": "CHF", "NOK": "NOK", "SEK": "SEK", "DKK": "DKK",
}  # fmt: skip
ID_KEYWORDS_EN = frozenset({
    "order", "code", "phone", "telephone", "tel", "mobile", "cell", "fax", "call", "dial", "postcode",
    "zip", "zipcode", "account", "acct", "reference", "ref", "pin", "id", "passport", "flight", "invoice",
    "ticket", "booking", "tracking", "serial", "customer", "policy", "card", "location", "passcode", "otp",
    "extension", "ext", "ic", "nric", "confirmation", "transaction", "membership", "member", "licence",
    "license", "registration", "plate", "aadhaar", "pnr", "pincode",
})  # fmt: skip
MONTHS_EN = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec",
})  # fmt: skip
SCALES_EN = {"thousand": ("thousand", 10**3), "million": ("million", 10**6), "billion": ("billion", 10**9)}
SCALE_SUFFIXES_EN = {"k": SCALES_EN["thousand"], "m": SCALES_EN["million"], "mn": SCALES_EN["million"],
                     "bn": SCALES_EN["billion"], "b": SCALES_EN["billion"]}  # fmt: skip
AM_PM_EN = {"am": "a.m.", "pm": "p.m."}


def english_cardinal(n: int) -> str:
    """num2words' English without its list commas ("one thousand two hundred and fifty")."""
    return num2words(n, lang="en").replace(",", "")


class English(Language):
    """English as spoken in the UK, US, India and Malaysia (British "and" after hundreds)."""

    code = "en"
    name = "English"
    digit_names = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    decimal_separator = "."
    group_separators = ","
    indian_grouping = True
    decimal_word = "point"
    minus_word = "minus"
    plus_word = "plus"
    percent_word = "percent"
    and_word = "and"
    range_word = "to"
    money_joiner = "and"
    currencies = CURRENCIES_EN
    currency_symbols = SYMBOLS_EN
    scale_words = SCALES_EN
    scale_suffixes = SCALE_SUFFIXES_EN
    id_keywords = ID_KEYWORDS_EN
    weak_id_keywords = frozenset({"number", "no", "nr", "num", "#"})
    year_cues = frozenset({
        "in", "since", "year", "from", "until", "till", "by", "during", "circa", "before", "after", "of",
        "early", "late", "mid", "around",
    })  # fmt: skip
    time_cues = frozenset({"at"})
    am_pm = AM_PM_EN
    months = MONTHS_EN
    number_abbreviations = {"no.": "number", "nr.": "number", "tel.": "telephone", "ext.": "extension"}
    hash_word = "number"
    ordinal_patterns = (re.compile(r"(?P<n>\d+)(?P<suffix>st|nd|rd|th)", re.IGNORECASE),)
    hyphen_suffix_joiner = "-"

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return english_cardinal(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        if suffix:
            expected = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th") if n % 100 not in (11, 12, 13) else "th"
            if suffix.lower() != expected:
                raise NormaliseError("malformed_number", f"'{n}{suffix}' has the wrong ordinal ending")
        return num2words(n, lang="en", to="ordinal").replace(",", "")

    def year(self, n: int) -> str:
        """1100-1999 and 2010-2099 in pairs ("nineteen ninety-nine", "twenty twenty-four")."""
        return num2words(n, lang="en", to="year").replace("oh-", "oh ").replace(",", "")

    def decade(self, n: int) -> str | None:
        """Decades: "1990s" -> "nineteen nineties", "1900s" -> "nineteen hundreds", "80s" -> "eighties"."""
        if n % 10:
            return None
        if 20 <= n <= 90:
            return _plural_tens(n)
        if not 1000 <= n <= 2090:
            return None
        if n % 1000 == 0:
            return english_cardinal(n) + "s"
        if n % 100 == 0:
            return self.year(n) + "s"
        head = english_cardinal(n // 100)
        return f"{head} {_plural_tens(n % 100)}"

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "ten thirty", "nine oh five", "ten o'clock", "ten a.m.", "fourteen hundred"."""
        words = english_cardinal(hour)
        if minute == 0:
            if period:
                return f"{words} {period}"
            return f"{words} hundred" if hour > 12 else f"{words} o'clock"
        words += f" oh {english_cardinal(minute)}" if minute < 10 else f" {english_cardinal(minute)}"
        return f"{words} {period}" if period else words

    def day_of_month(self, n: int, context: Context) -> str:
        """Dates: "October 3" -> "October third"; "3 October" -> "the third of October"."""
        ordinal = self.ordinal(n)
        if context.next_is_month:
            return f"{ordinal} of" if context.previous[:1] == ("the",) else f"the {ordinal} of"
        return ordinal


def _plural_tens(n: int) -> str:
    """Plural of a round ten: "nineties", "twenties"."""
    return english_cardinal(n)[:-1] + "ies"
