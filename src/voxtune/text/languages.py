"""The languages the text tools support, their aliases, and what espeak-ng and lingua call them."""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.errors import ConfigError


class UnsupportedLanguageError(ConfigError):
    """A language code that none of the text tools know; the message lists the supported ones."""


@dataclass(frozen=True)
class Language:
    """One supported language: canonical code, English name and the names other tools use for it.

    ``lingua`` is the ``lingua.Language`` member name, or None where lingua has no model
    (Luxembourgish): such languages are recognised per word only through lexicons and defaults.
    """

    code: str
    name: str
    espeak_voice: str
    lingua: str | None


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en-us", "ENGLISH"),
        Language("te", "Telugu", "te", "TELUGU"),
        Language("ms", "Malay", "ms", "MALAY"),
        Language("nb", "Norwegian Bokmål", "nb", "BOKMAL"),
        Language("sv", "Swedish", "sv", "SWEDISH"),
        Language("da", "Danish", "da", "DANISH"),
        Language("de", "German", "de", "GERMAN"),
        Language("fr", "French", "fr-fr", "FRENCH"),
        Language("es", "Spanish", "es", "SPANISH"),
        Language("nl", "Dutch", "nl", "DUTCH"),
        Language("lb", "Luxembourgish", "lb", None),
    )
}

# Other spellings people use for the same languages: ISO 639-2/3 codes and the macrolanguage
# "no" (espeak-ng only has a Bokmål voice, so Norwegian means Bokmål here).
ALIASES: dict[str, str] = {
    "no": "nb",
    "nob": "nb",
    "nor": "nb",
    "eng": "en",
    "tel": "te",
    "msa": "ms",
    "may": "ms",
    "zsm": "ms",
    "swe": "sv",
    "dan": "da",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "nld": "nl",
    "dut": "nl",
    "ltz": "lb",
}

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(sorted(LANGUAGES))


def canonical_language(code: str) -> str:
    """Our code for any accepted spelling: any case, with a region or not (``en-US``, ``no``).

    Raises UnsupportedLanguageError, listing the supported codes, for anything else.
    """
    key = code.strip().lower().replace("_", "-")
    for candidate in (key, key.split("-", 1)[0]):
        if candidate in LANGUAGES:
            return candidate
        if candidate in ALIASES:
            return ALIASES[candidate]
    aliases = ", ".join(f"{alias}->{target}" for alias, target in sorted(ALIASES.items()))
    raise UnsupportedLanguageError(
        f"Unsupported language code {code!r}",
        hint=f"Use one of {', '.join(SUPPORTED_LANGUAGES)} (aliases: {aliases})",
    )


def language(code: str) -> Language:
    """The Language record for any accepted spelling of a code."""
    return LANGUAGES[canonical_language(code)]


_PREFIX_OPEN = "<lang:"


def with_language_prefix(text: str, code: str) -> str:
    """Prefix ``text`` with ``<lang:xx>``, for text-driven models conditioned on a language tag."""
    return f"{_PREFIX_OPEN}{canonical_language(code)}> {text}"


def split_language_prefix(text: str) -> tuple[str | None, str]:
    """Undo with_language_prefix: ``("nb", "hei")`` for ``"<lang:nb> hei"``, else (None, text)."""
    if not text.startswith(_PREFIX_OPEN):
        return None, text
    close = text.find(">")
    if close < 0:
        return None, text
    return canonical_language(text[len(_PREFIX_OPEN) : close]), text[close + 1 :].lstrip()
