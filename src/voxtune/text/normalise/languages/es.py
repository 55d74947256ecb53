"""Spanish: num2words cardinals with the "veintiún mil" apocope fixed; our own ordinals.

num2words' Spanish ordinals are wrong ("décimo tercero", "quadragésimo"), so ordinals 1-999 follow
the RAE forms here (undécimo, duodécimo, decimotercero, vigésimo primero, cuadragésimo ...).
"""

from __future__ import annotations

import re

from num2words import num2words

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Currency, Language

ORDINAL_UNITS = [
    "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno",
]  # fmt: skip
ORDINAL_TEENS = [
    "décimo", "undécimo", "duodécimo", "decimotercero", "decimocuarto", "decimoquinto", "decimosexto",
    "decimoséptimo", "decimoctavo", "decimonoveno",
]  # fmt: skip
ORDINAL_TENS = {2: "vigésimo", 3: "trigésimo", 4: "cuadragésimo", 5: "quincuagésimo", 6: "sexagésimo",
                7: "septuagésimo", 8: "octogésimo", 9: "nonagésimo"}  # fmt: skip
ORDINAL_HUNDREDS = {1: "centésimo", 2: "ducentésimo", 3: "tricentésimo", 4: "cuadringentésimo",
                    5: "quingentésimo", 6: "sexcentésimo", 7: "septingentésimo", 8: "octingentésimo",
                    9: "noningentésimo"}  # fmt: skip
FEMININE_SUFFIXES = frozenset({"ª", "a"})


def spanish_cardinal(n: int) -> str:
    """num2words' Spanish with "un"/"veintiún" before mil, millón and millones."""
    words = num2words(n, lang="es")
    words = re.sub(r"\bveintiuno (?=mil\b|millones\b)", "veintiún ", words)
    return re.sub(r"\buno (?=mil\b|millón\b|millones\b)", "un ", words)


def ordinal_words_es(n: int) -> list[str]:
    if n >= 1000:
        raise NormaliseError("unsupported_number_format", f"no ordinal reading for {n} (1-999 only)")
    hundreds, rest = divmod(n, 100)
    words = [ORDINAL_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        words.append(ORDINAL_TEENS[rest - 10])
    else:
        tens, unit = divmod(rest, 10)
        if tens:
            words.append(ORDINAL_TENS[tens])
        if unit:
            words.append(ORDINAL_UNITS[unit - 1])
    return words


class Spanish(Language):
    """Spanish (Spain and the Americas; decimal comma as in Spain)."""

    code = "es"
    name = "Spanish"
    extra_punctuation = "¿¡«»"
    digit_names = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
    decimal_separator = ","
    group_separators = ". "
    decimal_word = "coma"
    fraction_as_number = True
    minus_word = "menos"
    plus_word = "más"
    percent_word = "por ciento"
    and_word = "y"
    range_word = "a"
    money_joiner = "con"
    minor_unit_after_major = False
    currencies = {
        "EUR": Currency("euro", "euros", "céntimo", "céntimos"),
        "USD": Currency("dólar", "dólares", "centavo", "centavos"),
        "GBP": Currency("libra", "libras", "penique", "peniques", one_word="una"),
    }
    currency_symbols = {"€": "EUR", "EUR": "EUR", "$": "USD", "US$": "USD", "USD": "USD", "£": "GBP",
                        "GBP": "GBP"}  # fmt: skip
    scale_words = {"millón": ("millones", 10**6), "millones": ("millones", 10**6)}
    id_keywords = frozenset({
        "pedido", "orden", "código", "teléfono", "tel", "móvil", "celular", "fax", "postal", "cuenta",
        "referencia", "ref", "cliente", "factura", "billete", "boleto", "reserva", "vuelo", "seguimiento",
        "pin", "identificación", "expediente", "dni", "localizador",
    })  # fmt: skip
    weak_id_keywords = frozenset({"número", "nº", "núm", "no"})
    time_cues = frozenset({"las", "la"})
    months = frozenset({
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre",
        "octubre", "noviembre", "diciembre",
    })  # fmt: skip
    number_abbreviations = {"nº": "número", "n.º": "número", "núm.": "número", "tel.": "teléfono"}
    hash_word = "número"
    number_sign_prefixes = ("#", "nº", "Nº", "n.º", "N.º")
    ordinal_patterns = (re.compile(r"(?P<n>\d+)\.?(?P<suffix>º|ª|er)"),)
    hyphen_suffix_joiner = "-"

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        words = spanish_cardinal(n)
        if attributive:
            words = re.sub(r"veintiuno$", "veintiún", words)
            words = re.sub(r"\buno$", "un", words)
        return words

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        words = ordinal_words_es(n)
        if suffix in FEMININE_SUFFIXES:
            words = [word[:-1] + "a" for word in words]
        elif suffix == "er":
            if words[-1] not in ("primero", "tercero"):
                raise NormaliseError("malformed_number", f"'{n}.er': only 1 and 3 take the ending 'er'")
            words[-1] = words[-1][:-1]
        return " ".join(words)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "diez y treinta", "una" (hours are feminine)."""
        words = re.sub(r"uno$", "una", spanish_cardinal(hour))
        return f"{words} y {spanish_cardinal(minute)}" if minute else words

    def count(self, n: int, one_word: str | None = None) -> str:
        if one_word == "una":
            return re.sub(r"uno$", "una", spanish_cardinal(n))
        return super().count(n, one_word)

    def unit_after(self, amount_words: str, unit: str) -> str:
        """An amount and its unit; a round million takes "de": "un millón de euros"."""
        if amount_words.split()[-1] in ("millón", "millones"):
            return f"{amount_words} de {unit}"
        return f"{amount_words} {unit}"
