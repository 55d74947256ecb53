"""The per-item error alignment raises, so a pipeline stage can ledger the item and go on."""

from __future__ import annotations

from voxtune.errors import ItemError


class AlignmentError(ItemError):
    """One item (one audio file with its transcript) cannot be aligned.

    Codes: ``unknown_tokens``, ``target_too_long``, ``no_path``, ``audio_too_short``,
    ``durations_infeasible``; ``details`` holds the measured values.
    """
