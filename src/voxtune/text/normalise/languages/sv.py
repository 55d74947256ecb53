"""Swedish: our own number words (num2words' Swedish writes "etttusen" with three t's).

Numbers below a million are one word ("tvåtusentjugofyra"), "miljon"/"miljoner" stand apart, years in
hundreds ("nittonhundranittionio"), written ordinals "1:a"/"3:e", dates "den 3 maj" read as ordinals.
"""

from __future__ import annotations

import re

from voxtune.text.normalise.languages.base import Context, Currency
from voxtune.text.normalise.languages.nordic import Nordic

UNITS = [
    "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv",
    "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton",
]  # fmt: skip
TENS = {
    2: "tjugo",
    3: "trettio",
    4: "fyrtio",
    5: "femtio",
    6: "sextio",
    7: "sjuttio",
    8: "åttio",
    9: "nittio",
}
ORDINAL_UNITS = [
    "första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde", "tionde",
    "elfte", "tolfte", "trettonde", "fjortonde", "femtonde", "sextonde", "sjuttonde", "artonde", "nittonde",
]  # fmt: skip
ORDINAL_ROUND = {"hundra": "hundrade", "tusen": "tusende", "miljon": "miljonte", "miljoner": "miljonte",
                 "miljard": "miljardte", "miljarder": "miljardte"}  # fmt: skip
SCALES = ((10**9, "miljard", "miljarder"), (10**6, "miljon", "miljoner"))


def below_100(n: int) -> str:
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (UNITS[unit] if unit else "")


def below_1000(n: int, leading: bool) -> str:
    hundreds, rest = divmod(n, 100)
    word = ""
    if hundreds:
        word = "hundra" if hundreds == 1 and leading else UNITS[hundreds] + "hundra"
    if rest:
        word += below_100(rest)
    return word


def below_million(n: int, leading: bool) -> str:
    thousands, rest = divmod(n, 1000)
    word = ""
    if thousands:
        word = "tusen" if thousands == 1 and leading else below_1000(thousands, leading) + "tusen"
    if rest:
        word += below_1000(rest, leading=not word and leading)
    # Swedish writes two consonants where a compound would make three ("tjugoettusen").
    return re.sub(r"ttt", "tt", word)


def cardinal_sv(n: int) -> str:
    if n == 0:
        return UNITS[0]
    words: list[str] = []
    for scale, one, many in SCALES:
        count, n = divmod(n, scale)
        if count:
            # "tjugoen miljoner": miljon is an en-word.
            words += ["en", one] if count == 1 else [re.sub(r"ett$", "en", below_million(count, True)), many]
    if n:
        words.append(below_million(n, leading=not words))
    return " ".join(words)


def ordinal_below_100(n: int) -> str:
    if n < 20:
        return ORDINAL_UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (ORDINAL_UNITS[unit - 1] if unit else "nde")


class Swedish(Nordic):
    """Swedish (rikssvenska)."""

    units = UNITS
    clock_one = "ett"
    spell = staticmethod(cardinal_sv)
    spell_below_100 = staticmethod(below_100)

    code = "sv"
    name = "Swedish"
    extra_punctuation = "«»‹›"
    digit_names = tuple(UNITS[:10])
    decimal_separator = ","
    group_separators = " ."
    decimal_word = "komma"
    fraction_as_number = True
    minus_word = "minus"
    plus_word = "plus"
    percent_word = "procent"
    and_word = "och"
    range_word = "till"
    money_joiner = "och"
    currencies = {
        "SEK": Currency("krona", "kronor", "öre", "öre", one_word="en", minor_one_word="ett"),
        "NOK": Currency("norsk krona", "norska kronor", "öre", "öre", one_word="en", minor_one_word="ett"),
        "DKK": Currency("dansk krona", "danska kronor", "öre", "öre", one_word="en", minor_one_word="ett"),
        "EUR": Currency("euro", "euro", "cent", "cent", one_word="en", minor_one_word="en"),
        "USD": Currency("dollar", "dollar", "cent", "cent", one_word="en", minor_one_word="en"),
        "GBP": Currency("pund", "pund", "penny", "pence", one_word="ett", minor_one_word="en"),
    }
    currency_symbols = {"kr": "SEK", "kr.": "SEK", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "€": "EUR",
                        "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP"}  # fmt: skip
    scale_words = {"miljon": ("miljoner", 10**6), "miljoner": ("miljoner", 10**6),
                   "miljard": ("miljarder", 10**9), "miljarder": ("miljarder", 10**9),
                   "milj.": ("miljoner", 10**6), "mdr": ("miljarder", 10**9)}  # fmt: skip
    id_keywords = frozenset({
        "order", "ordernummer", "kod", "telefon", "tel", "mobil", "postnummer", "konto", "kontonummer",
        "referens", "kundnummer", "faktura", "fakturanummer", "biljett", "bokning", "bokningsnummer", "pin",
        "personnummer", "ärende", "ärendenummer", "plats", "platsen", "lagerplats",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "kod", "koden", "numret")
    year_cues = frozenset({
        "i", "år", "året", "sedan", "från", "till", "hösten", "våren", "sommaren", "vintern",
    })  # fmt: skip
    time_cues = frozenset({"klockan", "kl"})
    months = frozenset({
        "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
        "november", "december",
    })  # fmt: skip
    number_abbreviations = {"nr.": "nummer", "kl.": "klockan", "tel.": "telefon"}
    hash_word = "nummer"
    ordinal_patterns = (re.compile(r"(?P<n>\d+):(?P<suffix>a|e)"),)

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        if n == 1 and attributive:
            return "en"
        return cardinal_sv(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        rest = n % 100
        if rest == 0:
            words = cardinal_sv(n).split()
            last = words[-1]
            for cardinal_end, ordinal_end in ORDINAL_ROUND.items():
                if last.endswith(cardinal_end):
                    words[-1] = last[: -len(cardinal_end)] + ordinal_end
                    break
            return " ".join(words)
        if n < 100:
            return ordinal_below_100(n)
        head = cardinal_sv(n - rest)
        joiner = " " if n >= 10**6 else ""
        return f"{head}{joiner}{ordinal_below_100(rest)}"

    def year(self, n: int) -> str:
        if 1100 <= n <= 1999:
            return below_100(n // 100) + "hundra" + (below_100(n % 100) if n % 100 else "")
        return self.cardinal(n)
