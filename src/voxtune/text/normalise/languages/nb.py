"""Norwegian Bokmål: our own number words (num2words' "no" says "to million" and "en millard").

Modern counting ("tjueen", not "en og tjue"), "sju" for 7, "og" before the last part under 100
("to tusen og tjuefire"), years in hundreds ("nitten hundre og nittini"), ordinal dot ("3. mai").
"""

from __future__ import annotations

from voxtune.text.normalise.languages.base import Currency
from voxtune.text.normalise.languages.nordic import CountingWords, DanoNorwegian, dano_norwegian_cardinal

UNITS = [
    "null", "en", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv",
    "tretten", "fjorten", "femten", "seksten", "sytten", "atten", "nitten",
]  # fmt: skip
TENS = {2: "tjue", 3: "tretti", 4: "førti", 5: "femti", 6: "seksti", 7: "sytti", 8: "åtti", 9: "nitti"}
ORDINAL_UNITS = [
    "første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende", "tiende",
    "ellevte", "tolvte", "trettende", "fjortende", "femtende", "sekstende", "syttende", "attende",
    "nittende",
]  # fmt: skip
ORDINAL_ROUND = {"hundre": "hundrede", "tusen": "tusende", "million": "millionte", "millioner": "millionte",
                 "milliard": "milliardte", "milliarder": "milliardte"}  # fmt: skip
SCALES = ((10**9, "milliard", "milliarder"), (10**6, "million", "millioner"))


def below_100(n: int) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (UNITS[unit] if unit else "")


WORDS = CountingWords(UNITS, below_100, hundred="hundre", thousand="tusen", neuter_one="ett", scales=SCALES)


def cardinal_nb(n: int) -> str:
    return dano_norwegian_cardinal(n, WORDS)


def ordinal_below_100(n: int) -> str:
    if n < 20:
        return ORDINAL_UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (ORDINAL_UNITS[unit - 1] if unit else "ende")


class Norwegian(DanoNorwegian):
    """Norwegian Bokmål (also reached through the code ``no``)."""

    units = UNITS
    clock_one = "ett"
    hundred = "hundre"
    ordinal_round = ORDINAL_ROUND
    spell = staticmethod(cardinal_nb)
    spell_below_100 = staticmethod(below_100)
    spell_ordinal_below_100 = staticmethod(ordinal_below_100)

    code = "nb"
    name = "Norwegian Bokmål"
    extra_punctuation = "«»‹›"
    digit_names = tuple(UNITS[:10])
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "komma"
    fraction_as_number = True
    minus_word = "minus"
    plus_word = "pluss"
    percent_word = "prosent"
    and_word = "og"
    range_word = "til"
    money_joiner = "og"
    currencies = {
        "NOK": Currency("krone", "kroner", "øre", "øre", minor_one_word="ett"),
        "SEK": Currency("svensk krone", "svenske kroner", "øre", "øre", minor_one_word="ett"),
        "DKK": Currency("dansk krone", "danske kroner", "øre", "øre", minor_one_word="ett"),
        "EUR": Currency("euro", "euro", "cent", "cent"),
        "USD": Currency("dollar", "dollar", "cent", "cent"),
        "GBP": Currency("pund", "pund", "penny", "pence", one_word="ett"),
    }
    currency_symbols = {"kr": "NOK", "kr.": "NOK", "NOK": "NOK", "SEK": "SEK", "DKK": "DKK", "€": "EUR",
                        "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP"}  # fmt: skip
    scale_words = {"million": ("millioner", 10**6), "millioner": ("millioner", 10**6),
                   "milliard": ("milliarder", 10**9), "milliarder": ("milliarder", 10**9),
                   "mill.": ("millioner", 10**6), "mrd.": ("milliarder", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "ordre", "ordrenummer", "kode", "telefon", "tlf", "mobil", "postnummer", "konto", "kontonummer",
        "referanse", "ref", "kundenummer", "faktura", "fakturanummer", "billett", "bestilling",
        "bestillingsnummer", "sporingsnummer", "fly", "pin", "personnummer", "fødselsnummer", "sak",
        "saksnummer",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "kode")
    year_cues = frozenset({
        "i", "år", "året", "siden", "fra", "til", "innen", "høsten", "våren", "sommeren", "vinteren",
    })  # fmt: skip
    time_cues = frozenset({"klokka", "klokken", "kl"})
    months = frozenset({
        "januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
        "november", "desember",
    })  # fmt: skip
    number_abbreviations = {"nr.": "nummer", "kl.": "klokka", "tlf.": "telefon"}
    hash_word = "nummer"
    ordinal_dot = True
