"""What normalisation returns: the spoken text plus a map from each original token to its spoken words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenMap:
    """One stretch of the original text and the spoken words it became.

    ``start``/``end`` are character offsets into :attr:`Normalised.original` (``original[start:end]`` is
    ``text``). ``words`` may be empty when the stretch was dropped (a dash, a bullet) or when its
    punctuation was attached to a neighbouring word. ``kind`` says how it was read: ``word``,
    ``punctuation``, ``dropped``, ``cardinal``, ``digits``, ``decimal``, ``ordinal``, ``year``,
    ``money``, ``percent``, ``time``, ``range``, ``list`` or ``symbol``.
    """

    text: str
    start: int
    end: int
    words: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Normalised:
    """A text in spoken form next to the original it came from.

    ``text`` equals ``" ".join`` of every token's words, in order, so word *i* of ``text.split()`` can
    always be traced back to the token (and original characters) it came from.
    """

    original: str
    text: str
    language: str
    tokens: tuple[TokenMap, ...]

    @property
    def words(self) -> list[str]:
        """The spoken words, in order (the same as ``text.split()``)."""
        return [word for token in self.tokens for word in token.words]

    @property
    def changed(self) -> bool:
        """Whether anything other than whitespace differs between the original and the spoken text."""
        return self.text != " ".join(self.original.split())
