"""Errors a user can act on: each says what went wrong, where, and what to do about it."""

from __future__ import annotations

from pathlib import Path


class VoxtuneError(Exception):
    """A failure with a one-line explanation for the user (no traceback needed).

    ``path`` names the file or folder involved and ``hint`` says what to do next.
    """

    def __init__(self, what: str, *, path: str | Path | None = None, hint: str | None = None):
        self.what = what
        self.path = None if path is None else str(path)
        self.hint = hint
        super().__init__(str(self))

    def __reduce__(self):  # survive the trip back from a worker process
        return (_rebuild, (type(self), (self.what,), {"path": self.path, "hint": self.hint}))

    def __str__(self) -> str:
        text = self.what
        if self.path:
            text += f" ({self.path})"
        if self.hint:
            text += f". {self.hint}"
        return text


class ConfigError(VoxtuneError):
    """A recipe or config file is malformed; raised before any work starts."""


class InputError(VoxtuneError):
    """Input data (audio, text, model folder) is missing or unusable as a whole."""


class AccountingError(VoxtuneError):
    """A stage broke the rule that every item ends up in the output or in the ledger."""


class ItemError(Exception):
    """A problem with one item (one file, one transcript): it goes to the rejection ledger, the run goes on.

    ``code`` is short and stable (``low_snr``, ``unreadable_audio``) so rejections can be counted by
    reason; ``reason`` is the sentence a person reads, with the measured value; ``details`` holds the
    measured numbers.
    """

    def __init__(self, code: str, reason: str, **details: object):
        self.code = code
        self.reason = reason
        self.details = details
        super().__init__(f"{code}: {reason}")

    def __reduce__(self):
        return (_rebuild, (type(self), (self.code, self.reason), self.details))


def _rebuild(cls: type[Exception], args: tuple, kwargs: dict) -> Exception:
    return cls(*args, **kwargs)
