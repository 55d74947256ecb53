"""The exception a metric raises when one item cannot be scored, and the record kept of it."""

from __future__ import annotations

from dataclasses import dataclass


class UnscorableError(Exception):
    """One item (one utterance, one pair) cannot be scored; the evaluation counts it and goes on.

    Same shape as the pipeline's per-item errors: ``code`` is short and stable (``silent_audio``,
    ``missing_reference``), ``reason`` is the sentence a person reads, with the measured value,
    and ``details`` holds the measured numbers.
    """

    def __init__(self, code: str, reason: str, **details: object):
        self.code = code
        self.reason = reason
        self.details = details
        super().__init__(f"{code}: {reason}")

    def __reduce__(self):  # survive the trip back from a worker process
        return (_rebuild, (self.code, self.reason, self.details))


def _rebuild(code: str, reason: str, details: dict) -> UnscorableError:
    return UnscorableError(code, reason, **details)


@dataclass(frozen=True)
class ItemFailure:
    """An item left out of a score, with why: reports count these next to the score itself."""

    item: str
    code: str
    reason: str

    @classmethod
    def from_error(cls, item: str, error: UnscorableError) -> ItemFailure:
        return cls(item=item, code=error.code, reason=error.reason)
