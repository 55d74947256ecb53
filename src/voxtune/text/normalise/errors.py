"""Errors raised while normalising text: a per-item problem, and (re-exported) an unknown language code."""

from __future__ import annotations

from voxtune.errors import ItemError
from voxtune.text.languages import UnsupportedLanguageError


class NormaliseError(ItemError):
    """One transcript cannot be put in spoken form; it belongs in the rejection ledger.

    ``code`` is short and stable (``malformed_number``, ``emoji``, ``numeric_date`` ...); ``reason``
    quotes the offending text; ``details`` holds it and its position.
    """


__all__ = ["NormaliseError", "UnsupportedLanguageError"]
