"""The languages with number rules; codes are resolved by the text tools' shared ``canonical_language``."""

from __future__ import annotations

from voxtune.text.languages import canonical_language
from voxtune.text.normalise.languages.base import Context, Currency, Language
from voxtune.text.normalise.languages.da import Danish
from voxtune.text.normalise.languages.de import German
from voxtune.text.normalise.languages.en import English
from voxtune.text.normalise.languages.es import Spanish
from voxtune.text.normalise.languages.fr import French
from voxtune.text.normalise.languages.lb import Luxembourgish
from voxtune.text.normalise.languages.ms import Malay
from voxtune.text.normalise.languages.nb import Norwegian
from voxtune.text.normalise.languages.nl import Dutch
from voxtune.text.normalise.languages.sv import Swedish
from voxtune.text.normalise.languages.te import Telugu

_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        English(), Telugu(), Malay(), Norwegian(), Swedish(), Danish(), German(), French(), Spanish(),
        Dutch(), Luxembourgish(),
    )
}  # fmt: skip
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(sorted(_LANGUAGES))
"""Canonical codes of the languages ``normalise`` can read numbers in (the text tools' full list)."""


def get_language(code: str) -> Language:
    """The number rules for a language code (any spelling :func:`canonical_language` accepts)."""
    return _LANGUAGES[canonical_language(code)]


__all__ = ["SUPPORTED_LANGUAGES", "Context", "Currency", "Language", "canonical_language", "get_language"]
