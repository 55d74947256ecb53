"""Listening-test results: MOS per system and A/B preferences, with confidence intervals.

MOS: mean of the 1-5 ratings with a percentile-bootstrap interval over ratings (as the suite's
metrics). A/B: for each adapter against the base, the share of decided trials (no-preference left
out) won by the adapter, with a Wilson score interval (scipy), and the raw counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scipy.stats import binomtest

from voxtune.evaluate.suite.summary import Bootstrap, Summary, summarise
from voxtune.listen.store import Rating

NO_PREFERENCE = "same"


@dataclass(frozen=True)
class Preference:
    """``system`` against ``other`` over A/B trials: wins, losses, no-preference answers, and the
    share of decided trials ``system`` won with its Wilson interval."""

    system: str
    other: str
    wins: int
    losses: int
    ties: int
    share: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ListeningSummary:
    listeners: int
    ratings: int
    mos: dict[str, Summary]
    preferences: list[Preference]

    def to_dict(self) -> dict[str, Any]:
        return {
            "listeners": self.listeners,
            "ratings": self.ratings,
            "mos": {system: s.to_dict() for system, s in self.mos.items()},
            "preferences": [p.to_dict() for p in self.preferences],
        }


def preference(system: str, other: str, wins: int, losses: int, ties: int, confidence: float) -> Preference:
    decided = wins + losses
    if not decided:
        return Preference(system, other, wins, losses, ties, None, None, None)
    interval = binomtest(wins, decided).proportion_ci(confidence_level=confidence, method="wilson")
    return Preference(system, other, wins, losses, ties, wins / decided, interval.low, interval.high)


def summarise_ratings(
    ratings: Sequence[Rating], *, base: str = "base", bootstrap: Bootstrap | None = None
) -> ListeningSummary:
    """MOS per system and each system's A/B record against ``base`` (or against each other)."""
    bootstrap = bootstrap or Bootstrap()
    scores: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[tuple[str, str, str]] = Counter()
    for rating in ratings:
        if rating.kind == "mos" and rating.score is not None:
            scores[rating.system_a].append(float(rating.score))
        elif rating.kind == "ab" and rating.choice is not None and rating.system_b is not None:
            first, second = rating.system_a, rating.system_b
            system, other = (second, first) if first == base else (first, second)
            if system > other and other != base:
                system, other = other, system
            if rating.choice == NO_PREFERENCE:
                outcomes[(system, other, "tie")] += 1
            else:
                winner = first if rating.choice == "A" else second
                outcomes[(system, other, "win" if winner == system else "loss")] += 1
    mos = {system: summarise(values, [], bootstrap) for system, values in sorted(scores.items())}
    pairs = sorted({(s, o) for s, o, _ in outcomes})
    preferences = [
        preference(
            s,
            o,
            outcomes[(s, o, "win")],
            outcomes[(s, o, "loss")],
            outcomes[(s, o, "tie")],
            bootstrap.confidence,
        )
        for s, o in pairs
    ]
    return ListeningSummary(len({r.listener for r in ratings}), len(ratings), mos, preferences)
