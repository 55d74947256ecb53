"""Norwegian Bokmål: our own number words (num2words' "no" says "to million" and "en millard").

Modern counting ("tjueen", not "en og tjue"), "sju" for 7, "og" before the last part under 100
("to tusen og tjuefire"), years in hundreds ("nitten hundre og nittini"), ordinal dot ("3. mai").
"""

from __future__ import annotations

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Currency, Language

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


def below_1000(n: int, leading: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words += (
            ["hundre"]
            if hundreds == 1 and leading
            else ["ett" if hundreds == 1 else UNITS[hundreds], "hundre"]
        )
        if rest:
            words.append("og")
    if rest:
        words.append(below_100(rest))
    return words


def cardinal_nb(n: int) -> str:
    if n == 0:
        return UNITS[0]
    words: list[str] = []
    for scale, one, many in SCALES:
        count, n = divmod(n, scale)
        if count:
            words += ["en", one] if count == 1 else [*below_1000(count, leading=True), many]
    thousands, rest = divmod(n, 1000)
    if thousands:
        if thousands == 1:
            words += ["ett", "tusen"] if words else ["tusen"]
        else:
            words += [*below_1000(thousands, leading=not words), "tusen"]
    if rest:
        if words and rest < 100:
            words.append("og")
        words += below_1000(rest, leading=not words)
    return " ".join(words)


def ordinal_below_100(n: int) -> str:
    if n < 20:
        return ORDINAL_UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return TENS[tens] + (ORDINAL_UNITS[unit - 1] if unit else "ende")


class Norwegian(Language):
    """Norwegian Bokmål (also reached through the code ``no``)."""

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

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return cardinal_nb(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        rest = n % 100
        if rest == 0:
            words = cardinal_nb(n).split()
            words[-1] = ORDINAL_ROUND.get(words[-1], words[-1])
            return " ".join(words)
        if n < 100:
            return ordinal_below_100(n)
        return f"{cardinal_nb(n - rest)} og {ordinal_below_100(rest)}"

    def year(self, n: int) -> str:
        if 1100 <= n <= 1999:
            head = f"{below_100(n // 100)} hundre"
            return f"{head} og {below_100(n % 100)}" if n % 100 else head
        return self.cardinal(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Read as written on a clock: "ti tretti", "ni null fem", "ti"."""
        hours = "ett" if hour == 1 else self.cardinal(hour)
        if minute == 0:
            return hours
        return f"{hours} " + (f"null {UNITS[minute]}" if minute < 10 else below_100(minute))

    def day_of_month(self, n: int, context: Context) -> str:
        return self.ordinal(n, context)

    def hyphen_compound(self, n: int, suffix: str) -> str:
        """Glue the number to the word: "20-åring" -> "tjueåring" (decades, "1990-tallet", are rejected)."""
        if n >= 1000:
            raise NormaliseError("unsupported_number_format", f"no reading for '{n}-{suffix}'")
        return cardinal_nb(n).replace(" ", "") + suffix
