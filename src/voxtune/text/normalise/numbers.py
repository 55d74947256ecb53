"""Number shapes: what a written run of digits and separators is, before any words are chosen.

``read_shape`` turns "1,250.50", "310-555-1234", "10-20", "9:15" or "2 500" into an :class:`Amount`,
a :class:`DigitString` (an identifier read digit by digit), a :class:`Range`, a :class:`Clock` or a
:class:`NumberList`, using only the language's separators. It raises ``NormaliseError`` with a
specific code when the run cannot be read:

- ``numeric_date``: "15.01.2024", "2024-01-15", "15/01/2024" (dates are not read; write them out);
- ``ambiguous_number``: "3-1" or "12-34" without a keyword (a score, a code or a range?);
- ``unsupported_number_format``: fractions "1/2", clock times with seconds;
- ``malformed_number``: anything else, e.g. "12-34-", "1.2.3" or "3:1".

Lists: in languages with a decimal point, three or more one- or two-digit numbers joined by commas
("1,2,3") are read as a list ("one, two, three"); in decimal-comma languages that shape is malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Language

_DATE_SHAPES = (
    re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"),
    re.compile(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"),
    re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.(?:[0-9]{4}|[0-9]{2})"),
    re.compile(r"[0-9]{1,2}/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2})"),
)
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_CLOCK_WITH_DOT = re.compile(r"([0-9]{1,2})[.:,]([0-9]{2})")
_PHONE_WITH_BRACKETS = re.compile(r"\(?[0-9]{1,5}\)[ .\-–]?[0-9][0-9 .\-–]*|\([0-9]{1,5}\)")
_DASH = re.compile(r" ?[-–] ?")


@dataclass(frozen=True)
class Amount:
    """A quantity: integer part, fraction digits (empty when none), and how it was written."""

    integer: int
    fraction: str
    digits: str
    """The integer digits as written, without separators (keeps leading zeros)."""
    grouped: bool
    sign: str = ""
    """"-" or "+" when written."""

    @property
    def leading_zero(self) -> bool:
        return len(self.digits) > 1 and self.digits.startswith("0")

    @property
    def plain_integer(self) -> bool:
        """Written as bare digits: no separators, no fraction, no sign."""
        return not self.fraction and not self.grouped and not self.sign

    @property
    def value(self) -> Decimal:
        number = Decimal(f"{self.integer}.{self.fraction or '0'}")
        return -number if self.sign == "-" else number


@dataclass(frozen=True)
class DigitString:
    """An identifier (phone, code, account number) read digit by digit; ``plus`` for "+44 ..."."""

    digits: str
    plus: bool = False


@dataclass(frozen=True)
class Range:
    low: Amount
    high: Amount


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int


@dataclass(frozen=True)
class NumberList:
    items: tuple[Amount, ...]


Shape = Amount | DigitString | Range | Clock | NumberList


def is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_amount(text: str, language: Language) -> Amount | None:
    """An amount written with the language's separators ("1.250,50" in de), or None."""
    decimal = language.decimal_separator
    if text.count(decimal) > 1:
        return None
    head, _, fraction = text.partition(decimal)
    if (fraction and not is_ascii_digits(fraction)) or not head or (decimal in text and not fraction):
        return None
    if is_ascii_digits(head):
        return Amount(int(head), fraction, head, grouped=False)
    for separator in language.group_separators:
        if re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(separator)}[0-9]{{3}})+", head):
            digits = head.replace(separator, "")
            return Amount(int(digits), fraction, digits, grouped=True)
    if language.indian_grouping and re.fullmatch(r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}", head):
        digits = head.replace(",", "")
        return Amount(int(digits), fraction, digits, grouped=True)
    return None


def read_shape(text: str, language: Language, *, identifier: bool = False, clock: bool = False) -> Shape:
    """What the written number ``text`` is (see the module docstring); raises ``NormaliseError``.

    ``identifier``: a keyword before it asks for digit-by-digit reading; ``clock``: a time cue makes
    "9.15" a clock time.
    """
    if text[:1] in "-−" and text[1:2].isdigit():
        amount = parse_amount(text[1:], language)
        if amount is None:
            raise _malformed(text)
        return Amount(amount.integer, amount.fraction, amount.digits, amount.grouped, sign="-")
    if text.startswith("+"):
        return _read_plus(text)
    if "(" in text or ")" in text:
        if _PHONE_WITH_BRACKETS.fullmatch(text):
            return DigitString(re.sub(r"[^0-9]", "", text))
        raise _malformed(text)
    for shape in _DATE_SHAPES:
        if shape.fullmatch(text):
            raise NormaliseError("numeric_date", f"'{text}' looks like a date; dates are not read", text=text)
    if "/" in text:
        raise NormaliseError("unsupported_number_format", f"no reading for '{text}' (fractions)", text=text)
    if ":" in text:
        return _read_clock(text, _CLOCK)
    if clock and _CLOCK_WITH_DOT.fullmatch(text):
        return _read_clock(text, _CLOCK_WITH_DOT)
    if "-" in text or "–" in text:
        return _read_dashed(text, language, identifier)
    if " " in text:
        return _read_spaced(text, language, identifier)
    amount = parse_amount(text, language)
    if amount is not None:
        return amount
    return _read_other_separators(text, language)


def _read_plus(text: str) -> Shape:
    rest = text[1:].lstrip()
    digits = re.sub(r"[ ().\-–]", "", rest)
    if not is_ascii_digits(digits):
        raise _malformed(text)
    if len(digits) >= 7 or not is_ascii_digits(rest):
        return DigitString(digits, plus=True)
    return Amount(int(digits), "", digits, grouped=False, sign="+")


def _read_clock(text: str, pattern: re.Pattern[str]) -> Clock:
    match = pattern.fullmatch(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if (hour < 24 and minute < 60) or (hour == 24 and minute == 0):
            return Clock(hour, minute)
        raise NormaliseError("malformed_number", f"'{text}' is not a valid clock time", text=text)
    if re.fullmatch(r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}", text):
        raise NormaliseError("unsupported_number_format", f"no reading for '{text}' (seconds)", text=text)
    raise _malformed(text)


def _read_dashed(text: str, language: Language, identifier: bool) -> Shape:
    parts = _DASH.split(text)
    if any(not part for part in parts):
        raise _malformed(text)
    if all(re.fullmatch(r"[0-9]+(?: [0-9]+)*", part) for part in parts):
        digits = "".join(parts).replace(" ", "")
        if identifier or len(parts) >= 3 or " " in text.replace(" - ", "").replace(" – ", ""):
            return DigitString(digits)
    if len(parts) != 2:
        raise _malformed(text)
    low, high = parse_amount(parts[0], language), parse_amount(parts[1], language)
    if low is None or high is None:
        raise _malformed(text)
    if low.plain_integer and high.plain_integer:
        lengths = (len(low.digits), len(high.digits))
        years = all(1000 <= a.integer <= 2099 and len(a.digits) == 4 for a in (low, high))
        if low.leading_zero or high.leading_zero or lengths == (3, 4):
            return DigitString(low.digits + high.digits)
        if lengths == (4, 2) and 1000 <= low.integer <= 2099 and high.integer > low.integer % 100:
            return Range(low, high)
        if min(lengths) >= 3 and sum(lengths) >= 7 and not years:
            return DigitString(low.digits + high.digits)
    if low.value < high.value:
        return Range(low, high)
    raise NormaliseError(
        "ambiguous_number",
        f"'{text}' could be a score, a code or a range; a keyword before it (order, code...) decides",
        text=text,
    )


def _read_spaced(text: str, language: Language, identifier: bool) -> Shape:
    groups = text.split(" ")
    if not identifier and " " in language.group_separators:
        amount = parse_amount(text, language)
        if amount is not None:
            return amount
    if all(is_ascii_digits(group) for group in groups):
        lengths = [len(group) for group in groups]
        phone_like = (
            identifier
            or (len(groups) >= 3 and min(lengths) >= 2)
            or (len(groups) == 2 and (groups[0].startswith("0") or lengths == [3, 4] or min(lengths) >= 5))
        )
        if phone_like and sum(lengths) >= 6:
            return DigitString("".join(groups))
    raise _malformed(text)


def _read_other_separators(text: str, language: Language) -> Shape:
    groups = re.split(r"[.,]", text)
    if not all(is_ascii_digits(group) for group in groups):
        raise _malformed(text)
    lengths = [len(group) for group in groups]
    if "," not in text and len(groups) >= 3 and min(lengths) >= 2 and sum(lengths) >= 7:
        return DigitString("".join(groups))  # 310.555.1234
    if language.decimal_separator == "." and "." not in text and len(groups) >= 3 and max(lengths) <= 2:
        return NumberList(tuple(Amount(int(g), "", g, grouped=False) for g in groups))
    raise _malformed(text)


def _malformed(text: str) -> NormaliseError:
    return NormaliseError("malformed_number", f"cannot read the number '{text}'", text=text)
