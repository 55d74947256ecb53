"""What every language module provides: number words, separators, context keywords and reading rules.

A language is a subclass of :class:`Language` that fills in the class attributes (tables) and the
number-word methods; the shared machinery (tokeniser, shape parsing, context detection) lives outside
``languages/`` and only talks to this interface, so adding a language is one file.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from voxtune.text.normalise.errors import NormaliseError

MAX_CARDINAL = 10**12 - 1
"""The largest number read as a cardinal; bigger amounts are rejected (``number_too_large``)."""


@dataclass(frozen=True)
class Currency:
    """How one currency is spoken in one language.

    ``one``/``many`` name the main unit after 1 and after other amounts, ``minor_one``/``minor_many``
    the hundredth unit (None: the currency has no spoken minor unit). ``one_word`` and
    ``minor_one_word`` replace the language's usual attributive "one" where the unit's gender needs
    another form (Swedish "ett öre" but "en krona"). ``before_minor`` is the form of the main unit
    when a minor amount follows, where the language inflects it (Telugu రూపాయల).
    """

    one: str
    many: str
    minor_one: str | None = None
    minor_many: str | None = None
    one_word: str | None = None
    minor_one_word: str | None = None
    before_minor: str | None = None


@dataclass(frozen=True)
class Context:
    """The words around a number that decide how it is read.

    ``previous`` holds up to four preceding words, nearest first, lower-cased and without
    punctuation; it stops at a sentence end or at another number. ``next_word`` is the word right
    after the number as written (None when punctuation or the end of the text follows).
    """

    previous: tuple[str, ...] = ()
    next_word: str | None = None
    next_is_month: bool = False
    previous_is_month: bool = False
    after_capitalised: bool = False
    """The word right before is capitalised (in de and lb a noun, so the number is a label: "Kapitel 1")."""

    @property
    def attributive(self) -> bool:
        """Whether the number stands directly before a word (and so takes its attributive form)."""
        return self.next_word is not None and self.next_word[:1].isalpha()


class Language(ABC):
    """Number words and reading conventions for one language; subclasses fill in the tables."""

    code: ClassVar[str]
    name: ClassVar[str]
    digit_names: ClassVar[tuple[str, ...]]
    """Names of 0-9 used when an identifier is read digit by digit."""

    decimal_separator: ClassVar[str] = "."
    group_separators: ClassVar[str] = ","
    """Characters accepted between groups of three digits (a space means any space)."""
    indian_grouping: ClassVar[bool] = False
    """Also accept lakh/crore grouping (1,00,000)."""

    decimal_word: ClassVar[str] = "point"
    fraction_as_number: ClassVar[bool] = False
    """Read a one- or two-digit fraction without a leading zero as a number (fr "trois virgule quatorze")."""
    minus_word: ClassVar[str] = "minus"
    plus_word: ClassVar[str] = "plus"
    percent_word: ClassVar[str] = "percent"
    and_word: ClassVar[str] = "and"
    range_word: ClassVar[str] = "to"
    money_joiner: ClassVar[str] = ""
    """Word between the main and the minor amount ("and" in "three dollars and fifty cents")."""
    minor_unit_after_major: ClassVar[bool] = True
    """Whether the minor unit is named after a main amount (de "drei Euro fünfzig" does not)."""
    currencies: ClassVar[dict[str, Currency]] = {}
    """ISO code -> how it is spoken."""
    currency_symbols: ClassVar[dict[str, str]] = {}
    """Written form (symbol, code, abbreviation) -> ISO code, before or after the amount."""
    scale_words: ClassVar[dict[str, tuple[str, int]]] = {}
    """Written multiplier after an amount (lower-case: "million", "juta", "mio.") -> (spoken form after a
    decimal, value). Whole amounts are multiplied out ("21 miljoner" is read as 21 000 000)."""
    scale_suffixes: ClassVar[dict[str, tuple[str, int]]] = {}
    """Multiplier glued to an amount ("5k") -> (spoken form after a decimal, value)."""

    id_keywords: ClassVar[frozenset[str]] = frozenset()
    """Words that make a following number an identifier read digit by digit (up to three words back)."""
    weak_id_keywords: ClassVar[frozenset[str]] = frozenset()
    """Like ``id_keywords`` but only right before the number ("number 42" vs "a number of 300")."""
    id_keyword_suffixes: ClassVar[tuple[str, ...]] = ()
    """Word endings that mark an identifier keyword (compounds: de "Kundennummer")."""
    id_keyword_prefixes: ClassVar[tuple[str, ...]] = ()
    """Word beginnings that mark an identifier keyword (inflected forms: te "నంబర్‌కు")."""
    year_cues: ClassVar[frozenset[str]] = frozenset()
    """Words that make a following 1100-2099 a year ("in", "since"); months always do."""
    time_cues: ClassVar[frozenset[str]] = frozenset()
    """Words that make a following "9.15" a clock time."""
    time_words_after: ClassVar[frozenset[str]] = frozenset()
    """Words after a number that make it a clock time and are absorbed into its reading (de "Uhr")."""
    time_markers_after: ClassVar[frozenset[str]] = frozenset()
    """Words after a number that make it a clock time but stay as words (ms "pagi")."""
    am_pm: ClassVar[dict[str, str]] = {}
    """Written am/pm markers (lower-case, dots removed) -> spoken form."""
    months: ClassVar[frozenset[str]] = frozenset()
    number_abbreviations: ClassVar[dict[str, str]] = {}
    """Abbreviations expanded only right before a number ("Nr." -> "Nummer", "kl." -> "klokka")."""
    hash_word: ClassVar[str] = "number"
    """How "#" (and ``number_sign_prefixes``) before a number is read."""
    number_sign_prefixes: ClassVar[tuple[str, ...]] = ("#",)
    """Signs glued before a number that mean "number" (fr "n°5")."""
    hour_letter: ClassVar[str | None] = None
    """Letter between hours and minutes in clock times (fr "10h30")."""

    extra_punctuation: ClassVar[str] = ""
    """Punctuation this language keeps in spoken text beyond the common set (es "¿¡", fr "«»")."""

    ordinal_dot: ClassVar[bool] = False
    """"3." can be an ordinal (de, da, nb, lb)."""
    ordinal_dot_articles: ClassVar[frozenset[str]] = frozenset()
    """Words before "3." that make it an ordinal even before a capitalised word (de "am", "der")."""
    ordinal_patterns: ClassVar[tuple[re.Pattern[str], ...]] = ()
    """Full matches over a written ordinal ("21st", "1er", "3:e", "ke-2"); groups ``n`` and ``suffix``."""
    hyphen_suffix_joiner: ClassVar[str | None] = ""
    """How "20-jährige" joins the number to the word after the hyphen ("" glues, "-" keeps it)."""
    nouns_capitalised: ClassVar[bool] = False
    """Nouns are capitalised (de, lb): "Kapitel 1 beginnt" is a label, not "ein" before a noun."""
    glue_letter_suffix: ClassVar[bool] = False
    """Letters glued to digits are a case ending of the number (te "2024లో"), not a unit."""

    # ---- number words -----------------------------------------------------------------------

    @abstractmethod
    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        """The cardinal 0 <= n <= MAX_CARDINAL; ``attributive`` when it stands before a noun."""

    @abstractmethod
    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        """The ordinal of n >= 1 (``suffix`` is the written ending, e.g. "ª" for a feminine form)."""

    def cardinal(self, n: int, attributive: bool = False) -> str:
        """The cardinal, or a ``number_too_large`` error beyond :data:`MAX_CARDINAL`."""
        if n > MAX_CARDINAL:
            raise NormaliseError(
                "number_too_large", f"{n} is larger than the largest readable number {MAX_CARDINAL}", number=n
            )
        return self.cardinal_words(n, attributive)

    def ordinal(self, n: int, context: Context = Context(), suffix: str = "") -> str:
        """The ordinal, or an error for 0 and numbers beyond :data:`MAX_CARDINAL`."""
        if n < 1 or n > MAX_CARDINAL:
            raise NormaliseError("malformed_number", f"no ordinal reading for {n}", number=n)
        return self.ordinal_words(n, context, suffix)

    def year(self, n: int) -> str:
        """A year; languages that read years like cardinals keep this default."""
        return self.cardinal(n)

    def decade(self, n: int) -> str | None:
        """A decade written "1990s"/"1990er" (None: the language has no such reading here)."""
        return None

    def digits(self, digits: str) -> str:
        """A digit string read digit by digit."""
        return " ".join(self.digit_names[int(d)] for d in digits)

    def decimal(self, integer: int, fraction: str) -> str:
        """A decimal number: integer part, the decimal word, then the fraction."""
        if self.fraction_as_number and len(fraction) <= 2 and not fraction.startswith("0"):
            tail = self.cardinal(int(fraction))
        else:
            tail = self.digits(fraction)
        return f"{self.cardinal(integer)} {self.decimal_word} {tail}"

    def count(self, n: int, one_word: str | None = None) -> str:
        """A number standing before a unit word (uses ``one_word`` for 1 when given)."""
        if n == 1 and one_word:
            return one_word
        return self.cardinal(n, attributive=True)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """A clock time; ``period`` is the spoken am/pm marker when one was written."""
        words = self.cardinal(hour)
        if minute:
            words += " " + self.cardinal(minute)
        if period:
            words += " " + period
        return words

    def day_of_month(self, n: int, context: Context) -> str:
        """A day number written right before or after a month name (cardinal by default)."""
        return self.cardinal(n)

    def hyphen_compound(self, n: int, suffix: str) -> str:
        """A number joined by a hyphen to a word: en "5-year-old", de "20-jährige" -> "zwanzigjährige"."""
        if self.hyphen_suffix_joiner is None:
            raise NormaliseError("unsupported_number_format", f"no reading for '{n}-{suffix}'")
        return (
            self.cardinal(n).replace(" ", self.hyphen_suffix_joiner or "")
            + self.hyphen_suffix_joiner
            + suffix
        )

    def glue_suffix(self, n: int, suffix: str) -> str:
        """A number with a case ending glued to it (only where ``glue_letter_suffix`` is set)."""
        return self.cardinal(n) + suffix

    def before_word(self, words: str, next_word: str) -> str:
        """Adjust a number's last word to the word that follows (lb drops a final n by the Eifel rule)."""
        return words

    def unit_after(self, amount_words: str, unit: str) -> str:
        """An amount followed by its unit (fr/es insert "de" after a round million)."""
        return f"{amount_words} {unit}"

    def money_amount(self, amount_words: str, currency: Currency, scale: str | None) -> str:
        """An amount that is not split into main and minor units ("1.5 million dollars")."""
        if scale:
            amount_words = f"{amount_words} {scale}"
        return self.unit_after(amount_words, currency.many)
