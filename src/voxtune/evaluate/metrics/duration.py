"""Duration error between two time alignments of the same token sequence (words or phonemes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from voxtune.evaluate.errors import UnscorableError


@dataclass(frozen=True)
class TimedToken:
    """One aligned token: its symbol and its start and end in seconds."""

    token: str
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@runtime_checkable
class _LhotseLikeItem(Protocol):
    symbol: str
    start: float
    duration: float


TokenLike = TimedToken | tuple[str, float, float] | _LhotseLikeItem


@dataclass(frozen=True)
class DurationError:
    """Mean and largest absolute token-duration error in milliseconds, over ``tokens`` tokens."""

    mae_ms: float
    max_abs_error_ms: float
    tokens: int
    errors_ms: tuple[float, ...]


def as_timed_token(item: TokenLike) -> TimedToken:
    """Read a :class:`TimedToken`, a ``(token, start_s, end_s)`` tuple or a lhotse AlignmentItem."""
    if isinstance(item, TimedToken):
        return item
    if isinstance(item, _LhotseLikeItem):  # before tuple: AlignmentItem is a NamedTuple
        return TimedToken(item.symbol, float(item.start), float(item.start + item.duration))
    if isinstance(item, tuple):
        token, start, end = item
        return TimedToken(str(token), float(start), float(end))
    raise TypeError(f"cannot read a timed token from {item!r}")


def duration_mae(reference: Sequence[TokenLike], test: Sequence[TokenLike]) -> DurationError:
    """Mean absolute difference of per-token durations (ms) between two alignments.

    Both alignments must list the same tokens in the same order; otherwise (or when a token ends
    before it starts, or both are empty) :class:`UnscorableError` is raised with code
    ``token_mismatch``, ``negative_duration`` or ``empty_alignment``.
    """
    ref = [as_timed_token(item) for item in reference]
    hyp = [as_timed_token(item) for item in test]
    if not ref and not hyp:
        raise UnscorableError("empty_alignment", "both alignments are empty")
    ref_tokens = [t.token for t in ref]
    hyp_tokens = [t.token for t in hyp]
    if ref_tokens != hyp_tokens:
        at = next(
            (i for i, (a, b) in enumerate(zip(ref_tokens, hyp_tokens, strict=False)) if a != b),
            min(len(ref_tokens), len(hyp_tokens)),
        )
        got_ref = ref_tokens[at] if at < len(ref_tokens) else "<end>"
        got_hyp = hyp_tokens[at] if at < len(hyp_tokens) else "<end>"
        raise UnscorableError(
            "token_mismatch",
            f"alignments differ at token {at}: reference {got_ref!r}, test {got_hyp!r} "
            f"({len(ref_tokens)} vs {len(hyp_tokens)} tokens)",
            position=at,
        )
    for side, tokens in (("reference", ref), ("test", hyp)):
        bad = next((t for t in tokens if t.end_s < t.start_s), None)
        if bad is not None:
            raise UnscorableError(
                "negative_duration",
                f"{side} token {bad.token!r} ends at {bad.end_s} s before it starts at {bad.start_s} s",
            )
    errors = np.array([1000.0 * (b.duration_s - a.duration_s) for a, b in zip(ref, hyp, strict=True)])
    return DurationError(
        mae_ms=float(np.mean(np.abs(errors))),
        max_abs_error_ms=float(np.max(np.abs(errors))),
        tokens=len(ref),
        errors_ms=tuple(float(e) for e in errors),
    )
