"""What Danish, Norwegian and Swedish read alike, given each language's own number words.

Clock times are read as written ("ti tretti", "ni null fem"), a day of the month as an ordinal, and a
number glued to a word as one compound ("20-åring" -> "tjueåring"). Danish and Norwegian also share
how ordinals are built on the cardinal ("to hundre og tjuende") and years in hundreds ("nitten
hundre og nittini"); Swedish writes those as one word, so it keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages.base import Context, Language


@dataclass(frozen=True)
class CountingWords:
    """The words Danish and Norwegian build cardinals from (their structure is the same)."""

    units: Sequence[str]
    below_100: Callable[[int], str]
    hundred: str
    thousand: str
    neuter_one: str
    """"et"/"ett": one before "hundre(de)" and "tusen(d)" inside a larger number."""
    scales: tuple[tuple[int, str, str], ...]
    """(value, singular, plural) for milliard and million, largest first."""


def dano_norwegian_cardinal(n: int, words: CountingWords) -> str:
    """Cardinal words: "to tusen og tjuefire", "hundrede og en"; "og" before a last part under 100."""
    if n == 0:
        return words.units[0]
    out: list[str] = []
    for scale, one, many in words.scales:
        count, n = divmod(n, scale)
        if count:
            out += ["en", one] if count == 1 else [*_below_1000(count, True, words), many]
    thousands, rest = divmod(n, 1000)
    if thousands:
        if thousands == 1:
            out += [words.neuter_one, words.thousand] if out else [words.thousand]
        else:
            out += [*_below_1000(thousands, not out, words), words.thousand]
    if rest:
        if out and rest < 100:
            out.append("og")
        out += _below_1000(rest, not out, words)
    return " ".join(out)


def _below_1000(n: int, leading: bool, words: CountingWords) -> list[str]:
    hundreds, rest = divmod(n, 100)
    out = []
    if hundreds:
        if hundreds == 1:
            out += [words.hundred] if leading else [words.neuter_one, words.hundred]
        else:
            out += [words.units[hundreds], words.hundred]
        if rest:
            out.append("og")
    if rest:
        out.append(words.below_100(rest))
    return out


class Nordic(Language):
    """Base of the Scandinavian languages; subclasses name their words and spelling functions."""

    units: ClassVar[Sequence[str]]
    """Number words 0-19."""
    clock_one: ClassVar[str]
    """How "1" is said as an hour ("ett", "et")."""
    spell: ClassVar[Callable[[int], str]]
    """The language's cardinal number words."""
    spell_below_100: ClassVar[Callable[[int], str]]

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return type(self).spell(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Read as written on a clock: hours, then minutes, "zero" before single-digit minutes."""
        hours = self.clock_one if hour == 1 else self.cardinal(hour)
        if minute == 0:
            return hours
        below_100 = type(self).spell_below_100
        return f"{hours} " + (f"{self.units[0]} {self.units[minute]}" if minute < 10 else below_100(minute))

    def day_of_month(self, n: int, context: Context) -> str:
        return self.ordinal(n, context)

    def hyphen_compound(self, n: int, suffix: str) -> str:
        """Glue the number to the word (decades such as "1990-tallet" have no reading and are rejected)."""
        if n >= 1000:
            raise NormaliseError("unsupported_number_format", f"no reading for '{n}-{suffix}'")
        return type(self).spell(n).replace(" ", "") + suffix


class DanoNorwegian(Nordic):
    """Danish and Norwegian: separate words joined by "og", ordinals and years built on them."""

    hundred: ClassVar[str]
    """The word for a hundred in a year ("hundre", "hundrede")."""
    ordinal_round: ClassVar[Mapping[str, str]]
    """Ordinal forms of round cardinals' last word ("tusen" -> "tusende")."""
    spell_ordinal_below_100: ClassVar[Callable[[int], str]]

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        rest = n % 100
        spell, ordinal_below_100 = type(self).spell, type(self).spell_ordinal_below_100
        if rest == 0:
            words = spell(n).split()
            words[-1] = self.ordinal_round.get(words[-1], words[-1])
            return " ".join(words)
        if n < 100:
            return ordinal_below_100(n)
        return f"{spell(n - rest)} og {ordinal_below_100(rest)}"

    def year(self, n: int) -> str:
        if 1100 <= n <= 1999:
            below_100 = type(self).spell_below_100
            head = f"{below_100(n // 100)} {self.hundred}"
            return f"{head} og {below_100(n % 100)}" if n % 100 else head
        return self.cardinal(n)
