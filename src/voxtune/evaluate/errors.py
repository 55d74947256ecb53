"""The exception a metric raises when one item cannot be scored, and the record kept of it."""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.errors import ItemError


class UnscorableError(ItemError):
    """One item (one utterance, one pair) cannot be scored; the evaluation counts it and goes on.

    ``code`` is short and stable (``silent_audio``, ``no_common_voiced_frames``), ``reason`` is the
    sentence a person reads, with the measured value.
    """


@dataclass(frozen=True)
class ItemFailure:
    """An item left out of a score, with why: reports count these next to the score itself."""

    item: str
    code: str
    reason: str

    @classmethod
    def from_error(cls, item: str, error: ItemError) -> ItemFailure:
        return cls(item=item, code=error.code, reason=error.reason)
