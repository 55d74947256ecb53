"""Shapes of dictated numbers: a pattern per kind and language, and a digit picker that balances them.

A pattern is written as the number is displayed: ``#`` is any digit, ``N`` is 2-9, ``[49]`` or
``[6-9]`` is a digit from that set, and every other character (a literal digit, a space, a hyphen,
a bracket) is printed as is. ``(N##) N##-####`` is a North American phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

ORDER_NUMBER = "order_number"
LOCATION_CODE = "location_code"
PHONE_NUMBER = "phone_number"
NUMBER_KINDS = (ORDER_NUMBER, LOCATION_CODE, PHONE_NUMBER)

ALL_DIGITS = "0123456789"
_TOKEN = re.compile(r"\[([0-9\-]+)\]|(#)|(N)|(.)")


@dataclass(frozen=True)
class Slot:
    """One digit of a pattern: where it is printed and which digits it may take."""

    index: int
    """Position among the pattern's digits (0 = first digit, literal digits included)."""
    allowed: str


@dataclass(frozen=True)
class NumberFormat:
    """A kind of number (order number, phone number) in the pattern it is displayed with."""

    kind: str
    pattern: str

    @cached_property
    def pieces(self) -> tuple[str | Slot, ...]:
        """The pattern cut into literal characters and digit slots."""
        pieces: list[str | Slot] = []
        digit_index = 0
        for match in _TOKEN.finditer(self.pattern):
            digit_class, any_digit, not_low, literal = match.groups()
            if literal is not None:
                pieces.append(literal)
                if literal.isdecimal():
                    digit_index += 1
                continue
            allowed = ALL_DIGITS if any_digit else "23456789" if not_low else _expand(digit_class)
            pieces.append(Slot(digit_index, allowed))
            digit_index += 1
        return tuple(pieces)

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(piece for piece in self.pieces if isinstance(piece, Slot))

    def render(self, choices: Iterable[str]) -> str:
        """The displayed number with the slots filled by ``choices`` in order."""
        chosen = iter(choices)
        return "".join(next(chosen) if isinstance(piece, Slot) else piece for piece in self.pieces)


def _expand(digit_class: str) -> str:
    digits = set()
    for start, end in re.findall(r"(\d)(?:-(\d))?", digit_class):
        digits.update(str(d) for d in range(int(start), int(end or start) + 1))
    return "".join(sorted(digits))


class BalancedDigits:
    """Fills a format's slots so every allowed digit turns up in every slot as early as possible.

    Each slot takes one of its least used digits (ties broken at random), so after as many numbers as
    the largest digit set (10) every slot has shown every digit it allows.
    """

    def __init__(self, number_format: NumberFormat, rng: np.random.Generator):
        self.format = number_format
        self.rng = rng
        self.used = [dict.fromkeys(slot.allowed, 0) for slot in number_format.slots]

    def next_number(self) -> str:
        choices = []
        for counts in self.used:
            fewest = min(counts.values())
            candidates = [digit for digit, used in counts.items() if used == fewest]
            digit = candidates[int(self.rng.integers(len(candidates)))]
            counts[digit] += 1
            choices.append(digit)
        return self.format.render(choices)


# Local formats: order numbers of 7 digits and location codes of 6 everywhere; phone numbers as
# mobile numbers are written in each country.
PHONE_PATTERNS: dict[str, str] = {
    "en": "(N##) N##-####",
    "te": "[6-9]#### #####",
    "ms": "01#-### ####",
    "nb": "[49]## ## ###",
    "sv": "07[02369]-### ## ##",
    "da": "N# ## ## ##",
    "de": "01[567]# #######",
    "fr": "0[67] ## ## ## ##",
    "es": "[67]## ### ###",
    "nl": "06-########",
    "lb": "6[269]1 ### ###",
}


def number_formats(language: str) -> dict[str, NumberFormat]:
    """The number formats of a language, by kind."""
    return {
        ORDER_NUMBER: NumberFormat(ORDER_NUMBER, "#######"),
        LOCATION_CODE: NumberFormat(LOCATION_CODE, "######"),
        PHONE_NUMBER: NumberFormat(PHONE_NUMBER, PHONE_PATTERNS[language]),
    }
