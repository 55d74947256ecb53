"""Between our language codes and the ones Whisper's language tokens use.

Whisper calls Norwegian ``no`` (its training data is mostly Bokmål); we call it ``nb`` because that
is the espeak-ng voice and the normaliser's language. Everything else we support has the same code.
"""

from __future__ import annotations

from voxtune.text.languages import UnsupportedLanguageError, canonical_language

_TO_WHISPER = {"nb": "no"}
_FROM_WHISPER = {whisper: ours for ours, whisper in _TO_WHISPER.items()}


def whisper_language(code: str) -> str:
    """Whisper's code for one of our languages (any accepted spelling, e.g. ``no``, ``nob``, ``en-US``)."""
    canonical = canonical_language(code)
    return _TO_WHISPER.get(canonical, canonical)


def corpus_language(whisper_code: str) -> str:
    """Our code for a language Whisper names; a language we do not support keeps Whisper's code."""
    code = whisper_code.strip().lower()
    if code in _FROM_WHISPER:
        return _FROM_WHISPER[code]
    try:
        return canonical_language(code)
    except UnsupportedLanguageError:
        return code


def language_token(whisper_code: str) -> str:
    """The special token Whisper uses for a language: ``<|te|>``."""
    return f"<|{whisper_code}|>"


def token_language(token: str) -> str | None:
    """The Whisper code inside a language token (``<|te|>`` -> ``te``), None for other tokens."""
    if token.startswith("<|") and token.endswith("|>"):
        inner = token[2:-2]
        if inner.isalpha() and inner.islower() and 2 <= len(inner) <= 3:
            return inner
    return None
