"""Danish: our own number words (num2words' Danish says "en millioner" and "ettusinde og et").

Vigesimal tens (halvtreds, tres, halvfjerds, firs, halvfems), unit-og-ten compounds ("enogtyve"),
"og" before the last part under 100 ("to tusind og fireogtyve"), years in hundreds ("nitten hundrede
og nioghalvfems"), ordinal dot ("3. maj").
"""

from __future__ import annotations

from voxtune.text.normalise.languages.base import Currency
from voxtune.text.normalise.languages.nordic import CountingWords, DanoNorwegian, dano_norwegian_cardinal

UNITS = [
    "nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv", "tretten",
    "fjorten", "femten", "seksten", "sytten", "atten", "nitten",
]  # fmt: skip
TENS = {2: "tyve", 3: "tredive", 4: "fyrre", 5: "halvtreds", 6: "tres", 7: "halvfjerds", 8: "firs",
        9: "halvfems"}  # fmt: skip
ORDINAL_UNITS = [
    "første", "anden", "tredje", "fjerde", "femte", "sjette", "syvende", "ottende", "niende", "tiende",
    "ellevte", "tolvte", "trettende", "fjortende", "femtende", "sekstende", "syttende", "attende",
    "nittende",
]  # fmt: skip
ORDINAL_TENS = {2: "tyvende", 3: "tredivte", 4: "fyrretyvende", 5: "halvtredsindstyvende",
                6: "tresindstyvende", 7: "halvfjerdsindstyvende", 8: "firsindstyvende",
                9: "halvfemsindstyvende"}  # fmt: skip
ORDINAL_ROUND = {"hundrede": "hundrede", "tusind": "tusinde", "million": "millionte",
                 "millioner": "millionte", "milliard": "milliardte", "milliarder": "milliardte"}  # fmt: skip
SCALES = ((10**9, "milliard", "milliarder"), (10**6, "million", "millioner"))


def below_100(n: int) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return (f"{UNITS[unit]}og" if unit else "") + TENS[tens]


WORDS = CountingWords(UNITS, below_100, hundred="hundrede", thousand="tusind", neuter_one="et", scales=SCALES)


def cardinal_da(n: int) -> str:
    return dano_norwegian_cardinal(n, WORDS)


def ordinal_below_100(n: int) -> str:
    if n < 20:
        return ORDINAL_UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return (f"{UNITS[unit]}og" if unit else "") + ORDINAL_TENS[tens]


class Danish(DanoNorwegian):
    """Danish (rigsdansk)."""

    units = UNITS
    clock_one = "et"
    hundred = "hundrede"
    ordinal_round = ORDINAL_ROUND
    spell = staticmethod(cardinal_da)
    spell_below_100 = staticmethod(below_100)
    spell_ordinal_below_100 = staticmethod(ordinal_below_100)

    code = "da"
    name = "Danish"
    extra_punctuation = "«»‹›„"
    digit_names = tuple(UNITS[:10])
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "komma"
    fraction_as_number = True
    minus_word = "minus"
    plus_word = "plus"
    percent_word = "procent"
    and_word = "og"
    range_word = "til"
    money_joiner = "og"
    currencies = {
        "DKK": Currency("krone", "kroner", "øre", "øre"),
        "NOK": Currency("norsk krone", "norske kroner", "øre", "øre"),
        "SEK": Currency("svensk krone", "svenske kroner", "øre", "øre"),
        "EUR": Currency("euro", "euro", "cent", "cent"),
        "USD": Currency("dollar", "dollar", "cent", "cent"),
        "GBP": Currency("pund", "pund", "penny", "pence", one_word="et"),
    }
    currency_symbols = {"kr": "DKK", "kr.": "DKK", "DKK": "DKK", "NOK": "NOK", "SEK": "SEK", "€": "EUR",
                        "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP"}  # fmt: skip
    scale_words = {"million": ("millioner", 10**6), "millioner": ("millioner", 10**6),
                   "milliard": ("milliarder", 10**9), "milliarder": ("milliarder", 10**9),
                   "mio.": ("millioner", 10**6), "mia.": ("milliarder", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "ordre", "ordrenummer", "kode", "telefon", "tlf", "mobil", "postnummer", "konto", "kontonummer",
        "reference", "kundenummer", "faktura", "fakturanummer", "billet", "booking", "bestilling",
        "bestillingsnummer", "pin", "cpr", "sag", "sagsnummer",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "kode")
    year_cues = frozenset({
        "i", "år", "året", "siden", "fra", "til", "indtil", "efteråret", "foråret", "sommeren", "vinteren",
    })  # fmt: skip
    time_cues = frozenset({"klokken", "kl"})
    months = frozenset({
        "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
        "november", "december",
    })  # fmt: skip
    number_abbreviations = {"nr.": "nummer", "kl.": "klokken", "tlf.": "telefon"}
    hash_word = "nummer"
    ordinal_dot = True
