"""Seeded percentile-bootstrap confidence intervals (scipy.stats.bootstrap) for evaluation scores.

Use the per-utterance values (e.g. ``ErrorRates.utterance_rates``), not corpus totals: the
bootstrap resamples utterances. For base-vs-adapter comparisons on the same utterances use the
paired form, which resamples utterances jointly and is much tighter than comparing two intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

DEFAULT_RESAMPLES = 10_000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class ConfidenceInterval:
    """A point estimate with a two-sided percentile-bootstrap interval."""

    estimate: float
    low: float
    high: float
    confidence: float
    n: int
    n_resamples: int
    seed: int

    def excludes(self, value: float) -> bool:
        """Whether ``value`` lies outside the interval (e.g. 0 for a paired difference)."""
        return value < self.low or value > self.high


def _values(values: Sequence[float] | np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size < 2:
        raise ValueError(f"a bootstrap of {what} needs at least 2 values, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} contain NaN or infinite values: drop unscored items first")
    return array


def bootstrap_mean_ci(
    values: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> ConfidenceInterval:
    """Percentile-bootstrap interval for the mean of ``values``; same seed, same interval."""
    data = _values(values, "values")
    return _bootstrap(data, confidence, n_resamples, seed)


def bootstrap_paired_difference_ci(
    base: Sequence[float] | np.ndarray,
    adapter: Sequence[float] | np.ndarray,
    *,
    confidence: float = 0.95,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> ConfidenceInterval:
    """Interval for ``mean(adapter - base)`` over paired items (resampled as pairs)."""
    a = _values(base, "base values")
    b = _values(adapter, "adapter values")
    if a.size != b.size:
        raise ValueError(f"paired values differ in count: {a.size} base vs {b.size} adapter")
    return _bootstrap(b - a, confidence, n_resamples, seed)


def _bootstrap(data: np.ndarray, confidence: float, n_resamples: int, seed: int) -> ConfidenceInterval:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    estimate = float(np.mean(data))
    if np.all(data == data[0]):  # every resample has the same mean; scipy would warn and give NaN
        low = high = estimate
    else:
        result = scipy_stats.bootstrap(
            (data,),
            np.mean,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method="percentile",
            vectorized=True,
            rng=np.random.default_rng(seed),
        )
        low = float(result.confidence_interval.low)
        high = float(result.confidence_interval.high)
    return ConfidenceInterval(
        estimate=estimate,
        low=low,
        high=high,
        confidence=confidence,
        n=int(data.size),
        n_resamples=n_resamples,
        seed=seed,
    )
