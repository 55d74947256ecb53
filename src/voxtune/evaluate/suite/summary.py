"""Per-item scores -> per-system summaries with bootstrap intervals, and paired deltas against the base.

Means are over items (every utterance weighs the same) with a percentile bootstrap over items; a
delta is ``mean(system - base)`` over the items both scored, with a paired bootstrap (items resampled
jointly). WER and CER also get the corpus-level rate (total edits / total reference units).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from voxtune.evaluate.metrics.stats import bootstrap_mean_ci, bootstrap_paired_difference_ci
from voxtune.evaluate.suite.metric_specs import BY_KEY
from voxtune.evaluate.suite.scoring import ItemScores

ALL_LANGUAGES = "all"


@dataclass
class ItemRecord:
    """One system's result on one item: its scores and what it produced."""

    set: str
    item: str
    system: str
    language: str | None
    text: str | None
    scores: ItemScores
    audio_path: str | None = None
    duration_s: float | None = None
    stopped: str = ""
    output_text: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "set": self.set,
            "item": self.item,
            "system": self.system,
            "language": self.language,
            "text": self.text,
            "values": self.scores.values,
            "failures": {k: {"code": f.code, "reason": f.reason} for k, f in self.scores.failures.items()},
            "not_applicable": self.scores.skipped,
            "transcript": self.scores.transcript if self.output_text is None else self.output_text,
            "predicted_language": self.scores.predicted_language,
            "audio": self.audio_path,
            "duration_s": self.duration_s,
            "stopped": self.stopped,
        }


@dataclass(frozen=True)
class Summary:
    """One metric of one system on one set: mean over scored items, its interval, failures."""

    n: int
    failures: int
    mean: float | None
    low: float | None
    high: float | None
    failure_codes: dict[str, int] = field(default_factory=dict)
    corpus_rate: float | None = None
    values: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("values")
        return data


@dataclass(frozen=True)
class Delta:
    """``system - base`` over ``n`` paired items, its paired-bootstrap interval and the verdict:
    ``better``/``worse`` when the interval excludes 0, else ``unclear``."""

    n: int
    estimate: float
    low: float | None
    high: float | None
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Bootstrap:
    resamples: int = 5000
    confidence: float = 0.95
    seed: int = 0


def summarise(values: Sequence[float], failures: Sequence[str], bootstrap: Bootstrap) -> Summary:
    """Mean and interval of ``values`` (interval only with 2 or more), with failure codes counted."""
    codes = dict(Counter(failures))
    if not values:
        return Summary(0, len(failures), None, None, None, codes)
    mean = float(np.mean(values))
    low = high = None
    if len(values) >= 2:
        ci = bootstrap_mean_ci(
            values, confidence=bootstrap.confidence, n_resamples=bootstrap.resamples, seed=bootstrap.seed
        )
        low, high = ci.low, ci.high
    return Summary(len(values), len(failures), mean, low, high, codes, values=tuple(values))


def paired_delta(base: Sequence[float], system: Sequence[float], key: str, bootstrap: Bootstrap) -> Delta:
    """Delta of paired values with the verdict read in the metric's better direction."""
    spec = BY_KEY[key]
    diff = np.asarray(system, dtype=np.float64) - np.asarray(base, dtype=np.float64)
    estimate = float(diff.mean())
    if diff.size < 2:
        return Delta(int(diff.size), estimate, None, None, "unclear")
    ci = bootstrap_paired_difference_ci(
        base, system, confidence=bootstrap.confidence, n_resamples=bootstrap.resamples, seed=bootstrap.seed
    )
    verdict = "unclear"
    if ci.excludes(0.0):
        verdict = "better" if spec.improved(ci.estimate) else "worse"
    return Delta(int(diff.size), ci.estimate, ci.low, ci.high, verdict)


Table = dict[str, dict[str, dict[str, dict[str, Summary]]]]
"""set -> language (``all`` first) -> metric key -> system -> Summary."""
DeltaTable = dict[str, dict[str, dict[str, dict[str, Delta]]]]


def summary_tables(
    records: Iterable[ItemRecord], keys: Sequence[str], bootstrap: Bootstrap, *, base: str = "base"
) -> tuple[Table, DeltaTable]:
    """Summaries per set, language, metric and system, and deltas of every system against ``base``."""
    grouped: dict[tuple[str, str, str], list[ItemRecord]] = defaultdict(list)
    for record in records:
        grouped[(record.set, ALL_LANGUAGES, record.system)].append(record)
        grouped[(record.set, record.language or "?", record.system)].append(record)
    table: Table = {}
    deltas: DeltaTable = {}
    for (set_name, language, system), group in sorted(grouped.items(), key=_group_order):
        for key in keys:
            scored = [(r.item, r.scores.values[key]) for r in group if key in r.scores.values]
            failed = [r.scores.failures[key].code for r in group if key in r.scores.failures]
            if not scored and not failed:
                continue
            summary = summarise([v for _, v in sorted(scored)], failed, bootstrap)
            if key in ("wer", "cer"):
                counts = [r.scores.counts[key] for r in group if key in r.scores.counts]
                total = sum(c[1] for c in counts)
                if total:
                    summary = _with_corpus_rate(summary, sum(c[0] for c in counts) / total)
            table.setdefault(set_name, {}).setdefault(language, {}).setdefault(key, {})[system] = summary
    for set_name, languages in table.items():
        for language, metrics in languages.items():
            for key, systems in metrics.items():
                if base not in systems:
                    continue
                base_values = _values_by_item(records, set_name, language, key, base)
                for system in systems:
                    if system in (base, "reference"):
                        continue
                    other = _values_by_item(records, set_name, language, key, system)
                    common = sorted(set(base_values) & set(other))
                    if not common:
                        continue
                    delta = paired_delta(
                        [base_values[i] for i in common], [other[i] for i in common], key, bootstrap
                    )
                    deltas.setdefault(set_name, {}).setdefault(language, {}).setdefault(key, {})[system] = (
                        delta
                    )
    return table, deltas


def _group_order(entry: tuple[tuple[str, str, str], list[ItemRecord]]) -> tuple[str, bool, str, str]:
    (set_name, language, system), _ = entry
    return (set_name, language != ALL_LANGUAGES, language, system)


def _with_corpus_rate(summary: Summary, rate: float) -> Summary:
    data = asdict(summary)
    data["corpus_rate"] = rate
    data["values"] = summary.values
    return Summary(**data)


def _values_by_item(
    records: Iterable[ItemRecord], set_name: str, language: str, key: str, system: str
) -> dict[str, float]:
    return {
        r.item: r.scores.values[key]
        for r in records
        if r.set == set_name
        and r.system == system
        and key in r.scores.values
        and (language == ALL_LANGUAGES or (r.language or "?") == language)
    }
