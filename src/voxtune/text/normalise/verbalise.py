"""Number shapes to spoken words, using a language's number words and the number's context.

How a bare integer is read, in order: a leading zero ("007"), eight or more unseparated digits, or an
identifier keyword before three or more digits -> digit by digit; a year cue and 1100-2099 -> the
language's year reading; next to a month and 1-31 -> the language's day reading; otherwise a cardinal
(in its attributive form when a word follows, e.g. es "un", te "ఒక").
"""

from __future__ import annotations

from voxtune.text.normalise.context import is_identifier_context, is_year_context
from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Language
from voxtune.text.normalise.numbers import Amount, Clock, DigitString, NumberList, Range, Shape

LONG_DIGIT_STRING = 8
"""Unseparated digit strings this long are identifiers (phone numbers), not quantities."""
IDENTIFIER_MIN_DIGITS = 3


def is_year_like(amount: Amount) -> bool:
    return amount.plain_integer and len(amount.digits) == 4 and 1100 <= amount.integer <= 2099


def amount_words(amount: Amount, language: Language, context: Context, *, bare: bool = True) -> str:
    """An amount on its own; ``bare`` is False inside money, percentages and ranges (no context rules)."""
    return amount_reading(amount, language, context, bare=bare)[0]


def amount_reading(
    amount: Amount, language: Language, context: Context, *, bare: bool = True
) -> tuple[str, str]:
    """The words for an amount and the kind of reading (``cardinal``, ``digits``, ``year``, ...)."""
    if amount.fraction:
        words, kind = language.decimal(amount.integer, amount.fraction), "decimal"
    elif bare and amount.plain_integer and _read_as_digits(amount, language, context):
        words, kind = language.digits(amount.digits), "digits"
    elif bare and is_year_like(amount) and is_year_context(context, language):
        words, kind = language.year(amount.integer), "year"
    elif (
        bare
        and amount.plain_integer
        and 1 <= amount.integer <= 31
        and ((context.next_is_month and context.next_word) or context.previous_is_month)
    ):
        words, kind = language.day_of_month(amount.integer, context), "date"
    else:
        attributive = (
            bare and context.attributive and not (language.nouns_capitalised and context.after_capitalised)
        )
        words, kind = language.cardinal(amount.integer, attributive=attributive), "cardinal"
        if attributive and context.next_word:
            words = language.before_word(words, context.next_word)
    if amount.sign == "-":
        words = f"{language.minus_word} {words}"
    elif amount.sign == "+":
        words = f"{language.plus_word} {words}"
    return words, kind


def _read_as_digits(amount: Amount, language: Language, context: Context) -> bool:
    if amount.leading_zero or len(amount.digits) >= LONG_DIGIT_STRING:
        return True
    return len(amount.digits) >= IDENTIFIER_MIN_DIGITS and is_identifier_context(context, language)


def shape_words(shape: Shape, language: Language, context: Context) -> tuple[str, str]:
    """Words for a shape with no unit, and the kind of reading (for :class:`TokenMap.kind`)."""
    if isinstance(shape, DigitString):
        digits = language.digits(shape.digits)
        return (f"{language.plus_word} {digits}" if shape.plus else digits), "digits"
    if isinstance(shape, Clock):
        return language.time(shape.hour, shape.minute), "time"
    if isinstance(shape, Range):
        return range_words(shape, language), "range"
    if isinstance(shape, NumberList):
        return ", ".join(language.cardinal(item.integer) for item in shape.items), "list"
    return amount_reading(shape, language, context)


def range_words(shape: Range, language: Language) -> str:
    """A range, "ten to twenty"; spans of years are read as years ("nineteen ninety to ... ninety-five")."""
    low, high = shape.low, shape.high
    if is_year_like(low) and (is_year_like(high) or len(high.digits) == 2):
        low_words = language.year(low.integer)
        high_words = language.year(high.integer) if is_year_like(high) else language.cardinal(high.integer)
    else:
        low_words = amount_words(low, language, Context(), bare=False)
        high_words = amount_words(high, language, Context(), bare=False)
    return f"{low_words} {language.range_word} {high_words}"


def percent_words(shape: Shape, language: Language) -> str:
    """A percentage: "fifty percent", "ten to twenty percent"."""
    if isinstance(shape, Range):
        return f"{range_words(shape, language)} {language.percent_word}"
    if not isinstance(shape, Amount):
        raise NormaliseError("malformed_number", "a percentage needs a number before %")
    return f"{amount_words(shape, language, Context(), bare=False)} {language.percent_word}"


def money_words(shape: Shape, code: str, language: Language, scale: str | None = None) -> str:
    """An amount of money in ``code`` (ISO), split into main and minor units where written so."""
    currency = language.currencies.get(code)
    if currency is None:
        raise NormaliseError(
            "unsupported_currency",
            f"no {language.name} words for the currency {code}",
            currency=code,
        )
    if isinstance(shape, Range):
        return language.unit_after(range_words(shape, language), currency.many)
    if not isinstance(shape, Amount):
        raise NormaliseError("malformed_number", f"an amount of {code} needs a number")
    if scale:
        return language.money_amount(amount_words(shape, language, Context(), bare=False), currency, scale)
    prefix = f"{language.minus_word} " if shape.sign == "-" else ""
    fraction = shape.fraction
    if len(fraction) > 2 or (fraction and currency.minor_one is None):
        return prefix + language.money_amount(language.decimal(shape.integer, fraction), currency, None)
    cents = int(fraction.ljust(2, "0")) if fraction else 0
    if not cents:
        return prefix + _units(shape.integer, currency.one, currency.many, currency.one_word, language)
    minor = _units(cents, currency.minor_one, currency.minor_many, currency.minor_one_word, language)
    if shape.integer == 0:
        return prefix + minor
    major_unit = currency.before_minor or (currency.one if shape.integer == 1 else currency.many)
    major = f"{_count(shape.integer, currency.one_word, major_unit, language)} {major_unit}"
    if not language.minor_unit_after_major:
        minor = language.count(cents, currency.minor_one_word)
    joiner = f" {language.money_joiner} " if language.money_joiner else " "
    return prefix + major + joiner + minor


def _units(n: int, one: str | None, many: str | None, one_word: str | None, language: Language) -> str:
    unit = (one if n == 1 else many) or ""
    return language.unit_after(_count(n, one_word, unit, language), unit)


def _count(n: int, one_word: str | None, unit: str, language: Language) -> str:
    return language.before_word(language.count(n, one_word), unit)
