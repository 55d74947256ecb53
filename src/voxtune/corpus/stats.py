"""Corpus statistics computed in one streaming pass: hours per speaker, language and split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lhotse.cut import Cut

from voxtune.corpus import fields


@dataclass
class CorpusStats:
    """Totals of a corpus; ``*_seconds`` counters map a label to the seconds of audio carrying it."""

    cuts: int = 0
    seconds: float = 0.0
    speaker_seconds: Counter[str] = field(default_factory=Counter)
    language_seconds: Counter[str] = field(default_factory=Counter)
    split_seconds: Counter[str] = field(default_factory=Counter)
    durations: list[float] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return self.seconds / 3600.0

    def add(self, cut: Cut) -> None:
        self.cuts += 1
        self.seconds += cut.duration
        self.durations.append(cut.duration)
        sup = cut.supervisions[0] if cut.supervisions else None
        self.speaker_seconds[(sup.speaker if sup else None) or "unknown"] += cut.duration
        self.language_seconds[(sup.language if sup else None) or "unknown"] += cut.duration
        split = (cut.custom or {}).get(fields.SPLIT)
        if split:
            self.split_seconds[split] += cut.duration


def compute_stats(cuts: Iterable[Cut]) -> CorpusStats:
    stats = CorpusStats()
    for cut in cuts:
        stats.add(cut)
    return stats


def histogram(values: list[float], bins: int = 10) -> list[tuple[float, float, int]]:
    """Equal-width bins over ``values`` as (low, high, count); empty input gives no bins."""
    if not values:
        return []
    low, high = min(values), max(values)
    if high == low:
        return [(low, high, len(values))]
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(int((value - low) / width), bins - 1)] += 1
    return [(low + i * width, low + (i + 1) * width, counts[i]) for i in range(bins)]
