"""Luxembourgish: our own number words (num2words has no Luxembourgish).

Units before tens joined by "an", which loses its n by the Eifel rule before consonants other than
n, d, t, z, h ("eenanzwanzeg", "eenavéierzeg", "néngannonzeg"); numbers below a million are one word
("dausendzweehonnertnonzéng"); "eng Millioun", "zwou Milliounen" (feminine); ordinals "éischt",
"drëtt", "-t" to 19 and "-st" from 20, with "-en" in dates ("den drëtten Oktober").
"""

from __future__ import annotations

from voxtune.text.normalise.languages.base import Context, Currency, Language

UNITS = [
    "null", "eent", "zwee", "dräi", "véier", "fënnef", "sechs", "siwen", "aacht", "néng", "zéng", "eelef",
    "zwielef", "dräizéng", "véierzéng", "fofzéng", "siechzéng", "siwwenzéng", "uechtzéng", "nonzéng",
]  # fmt: skip
TENS = {2: "zwanzeg", 3: "drësseg", 4: "véierzeg", 5: "fofzeg", 6: "sechzeg", 7: "siwwenzeg", 8: "achtzeg",
        9: "nonzeg"}  # fmt: skip
ORDINAL_IRREGULAR = {1: "éischt", 2: "zweet", 3: "drëtt", 7: "siwent", 8: "aacht"}
DATE_ARTICLES = frozenset(["den", "dem", "um", "vum", "zum", "de"])
KEEPS_N = frozenset("aeiouäéëèndtzh")
"""First letters before which a final n stays (the Eifel rule)."""


def eifel(word: str, next_word: str) -> str:
    """Drop a final n before a consonant other than n, d, t, z, h ("een Euro" but "ee Cent")."""
    if word.endswith("n") and next_word and next_word[0].lower() not in KEEPS_N:
        return word[:-1]
    return word


def below_100(n: int, final: bool = True) -> str:
    """Up to 99; ``final`` keeps the counting form "eent" for a trailing 1."""
    if n == 1:
        return "eent" if final else "een"
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    if not unit:
        return TENS[tens]
    unit_word = {1: "een", 7: "siwen"}.get(unit, UNITS[unit])
    return unit_word + eifel("an", TENS[tens]) + TENS[tens]


def below_1000(n: int, leading: bool, final: bool = True) -> str:
    hundreds, rest = divmod(n, 100)
    word = ""
    if hundreds:
        word = "honnert" if hundreds == 1 and leading else below_100(hundreds, final=False) + "honnert"
    if rest:
        word += below_100(rest, final)
    return word


def below_million(n: int, leading: bool) -> str:
    thousands, rest = divmod(n, 1000)
    word = ""
    if thousands:
        word = (
            "dausend"
            if thousands == 1 and leading
            else below_1000(thousands, leading, final=False) + "dausend"
        )
    if rest:
        word += below_1000(rest, leading=leading and not word)
    return word


def cardinal_lb(n: int) -> str:
    if n == 0:
        return UNITS[0]
    words: list[str] = []
    for scale, one, many in ((10**9, "Milliard", "Milliarden"), (10**6, "Millioun", "Milliounen")):
        count, n = divmod(n, scale)
        if count == 1:
            words += ["eng", one]
        elif count == 2:
            words += ["zwou", many]
        elif count:
            words += [below_million(count, leading=True), many]
    if n:
        words.append(below_million(n, leading=not words))
    return " ".join(words)


def ordinal_lb(n: int) -> str:
    rest = n % 100
    if rest == 0 or rest >= 20:
        return cardinal_lb(n) + "st"
    head = cardinal_lb(n - rest) if n >= 100 else ""
    if n >= 10**6:
        head += " "
    return head + ORDINAL_IRREGULAR.get(rest, UNITS[rest] + "t")


class Luxembourgish(Language):
    """Luxembourgish (Lëtzebuergesch), spelling of the 2019 reform."""

    code = "lb"
    name = "Luxembourgish"
    extra_punctuation = "„‚«»‹›"
    digit_names = tuple(UNITS[:10])
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "Komma"
    minus_word = "minus"
    plus_word = "plus"
    percent_word = "Prozent"
    and_word = "an"
    range_word = "bis"
    minor_unit_after_major = False
    currencies = {
        "EUR": Currency("Euro", "Euro", "Cent", "Cent", one_word="een", minor_one_word="ee"),
        "USD": Currency("Dollar", "Dollar", "Cent", "Cent", one_word="een", minor_one_word="ee"),
        "GBP": Currency("Pond", "Pond", "Penny", "Pence", one_word="ee", minor_one_word="ee"),
        "CHF": Currency("Frang", "Frang", "Rappen", "Rappen", one_word="ee", minor_one_word="ee"),
    }
    currency_symbols = {"€": "EUR", "EUR": "EUR", "$": "USD", "USD": "USD", "£": "GBP", "GBP": "GBP",
                        "CHF": "CHF"}  # fmt: skip
    scale_words = {"millioun": ("Milliounen", 10**6), "milliounen": ("Milliounen", 10**6),
                   "milliard": ("Milliarden", 10**9), "milliarden": ("Milliarden", 10**9),
                   "mio.": ("Milliounen", 10**6)}  # fmt: skip
    id_keywords = frozenset({
        "bestellung", "code", "telefon", "tel", "handy", "postcode", "kont", "kontonummer", "referenz",
        "rechnung", "ticket", "matricule", "pin", "iban", "reservatioun", "fluch", "dossier", "standuert",
    })  # fmt: skip
    weak_id_keywords = frozenset({"nummer", "nr"})
    id_keyword_suffixes = ("nummer", "code")
    year_cues = frozenset(["joer", "zënter", "zanter", "bis", "vun", "vu"])
    time_cues = frozenset({"um", "géint", "vun", "vu", "bis"})
    time_words_after = frozenset({"auer"})
    months = frozenset({
        "januar", "februar", "mäerz", "abrëll", "mee", "juni", "juli", "august", "september", "oktober",
        "november", "dezember",
    })  # fmt: skip
    number_abbreviations = {"nr.": "Nummer", "tel.": "Telefon"}
    hash_word = "Nummer"
    ordinal_dot = True
    nouns_capitalised = True
    ordinal_dot_articles = DATE_ARTICLES

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        if attributive and n == 1:
            return "een"
        return cardinal_lb(n)

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        """Base form "drëtt"; "drëtten" before a month or after den/um/vum ("den drëtten Oktober")."""
        base = ordinal_lb(n)
        before = context.previous[0] if context.previous else ""
        return base + "en" if context.next_is_month or before in DATE_ARTICLES else base

    def year(self, n: int) -> str:
        """Years 1100-1999 in hundreds ("nonzénghonnertnéngannonzeg"); from 2000 like a cardinal."""
        if 1100 <= n <= 1999:
            return below_100(n // 100) + "honnert" + (below_100(n % 100) if n % 100 else "")
        return self.cardinal(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times like "zéng Auer drësseg"; Auer is feminine: "eng Auer", "zwou Auer"."""
        hour_words = {1: "eng", 2: "zwou"}.get(hour) or cardinal_lb(hour)
        words = f"{hour_words} Auer"
        return f"{words} {cardinal_lb(minute)}" if minute else words

    def day_of_month(self, n: int, context: Context) -> str:
        return self.ordinal(n, context)

    def before_word(self, words: str, next_word: str) -> str:
        head, _, last = words.rpartition(" ")
        last = eifel(last, next_word)
        return f"{head} {last}" if head else last
