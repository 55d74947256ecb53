"""The per-item error alignment raises, so a pipeline stage can ledger the item and go on."""

from __future__ import annotations


class AlignmentError(Exception):
    """One item (one audio file with its transcript) cannot be aligned.

    ``code`` is short and stable (``unknown_tokens``, ``target_too_long``, ``no_path``,
    ``audio_too_short``, ``durations_infeasible``) so rejections can be counted by reason;
    ``reason`` is the sentence a person reads, with the measured values; ``details`` holds those
    values.
    """

    def __init__(self, code: str, reason: str, **details: object):
        self.code = code
        self.reason = reason
        self.details = details
        super().__init__(f"{code}: {reason}")

    def __reduce__(self):  # survive the trip back from a worker process
        return (_rebuild, (type(self), (self.code, self.reason), self.details))


def _rebuild(cls: type[Exception], args: tuple, kwargs: dict) -> Exception:
    return cls(*args, **kwargs)
