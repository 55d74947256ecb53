"""Summaries and paired deltas: known answers from constructed scores, and the verdict's direction."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.evaluate.errors import ItemFailure
from voxtune.evaluate.suite.scoring import ItemScores
from voxtune.evaluate.suite.summary import (
    Bootstrap,
    ItemRecord,
    paired_delta,
    summarise,
    summary_tables,
)

BOOT = Bootstrap(resamples=2000, confidence=0.95, seed=0)


def record(system: str, item: str, language: str = "en", **values: float) -> ItemRecord:
    return ItemRecord("test", item, system, language, "text", ItemScores(item, values=dict(values)))


def test_summary_of_constant_values_has_a_zero_width_interval() -> None:
    summary = summarise([2.0, 2.0, 2.0], ["silent_output"], BOOT)
    assert (summary.n, summary.mean, summary.low, summary.high) == (3, 2.0, 2.0, 2.0)
    assert summary.failures == 1 and summary.failure_codes == {"silent_output": 1}


def test_one_value_has_a_mean_but_no_interval_and_none_has_neither() -> None:
    assert summarise([5.0], [], BOOT).mean == 5.0 and summarise([5.0], [], BOOT).low is None
    empty = summarise([], ["empty_output", "empty_output"], BOOT)
    assert empty.mean is None and empty.failure_codes == {"empty_output": 2}


def test_interval_matches_a_plain_numpy_percentile_bootstrap() -> None:
    values = np.random.default_rng(1).normal(5.0, 1.0, size=40)
    summary = summarise(values.tolist(), [], BOOT)
    rng = np.random.default_rng(7)
    means = values[rng.integers(0, values.size, size=(20000, values.size))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    assert summary.low == pytest.approx(low, abs=0.06) and summary.high == pytest.approx(high, abs=0.06)


@pytest.mark.parametrize(
    ("key", "shift", "verdict"),
    [("mcd_db", -1.0, "better"), ("mcd_db", 1.0, "worse"), ("speaker_sim", 0.1, "better")],
)
def test_a_consistent_shift_is_judged_in_the_metric_direction(key: str, shift: float, verdict: str) -> None:
    base = [3.0, 5.0, 4.0, 6.0, 5.5]
    delta = paired_delta(base, [b + shift for b in base], key, BOOT)
    assert delta.estimate == pytest.approx(shift)
    assert delta.low == pytest.approx(shift) and delta.high == pytest.approx(shift)
    assert delta.verdict == verdict


def test_noise_around_zero_is_unclear() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(10.0, 2.0, 30)
    delta = paired_delta(base, base + rng.normal(0.0, 1.0, 30), "mcd_db", BOOT)
    assert delta.low < 0.0 < delta.high and delta.verdict == "unclear"


def test_tables_pair_items_and_split_by_language() -> None:
    records = [
        record("base", "a", mcd_db=5.0),
        record("base", "b", mcd_db=7.0),
        record("base", "c", "nb", mcd_db=9.0),
        record("adapter", "a", mcd_db=4.0),
        record("adapter", "b", mcd_db=6.0),
        record("adapter", "c", "nb", mcd_db=8.5),
    ]
    failed = record("adapter", "d")
    failed.scores.failures["mcd_db"] = ItemFailure("d", "silent_output", "silent")
    records.append(failed)
    table, deltas = summary_tables(records, ["mcd_db"], BOOT)
    overall = table["test"]["all"]["mcd_db"]
    assert overall["base"].mean == pytest.approx(7.0) and overall["adapter"].mean == pytest.approx(6.1666666)
    assert overall["adapter"].failures == 1 and overall["base"].failures == 0
    assert deltas["test"]["all"]["mcd_db"]["adapter"].estimate == pytest.approx((-1 - 1 - 0.5) / 3)
    assert deltas["test"]["all"]["mcd_db"]["adapter"].n == 3
    assert table["test"]["nb"]["mcd_db"]["adapter"].mean == 8.5
    assert deltas["test"]["en"]["mcd_db"]["adapter"].estimate == pytest.approx(-1.0)
    assert "base" not in deltas["test"]["all"]["mcd_db"]


def test_wer_gets_the_corpus_level_rate_from_edit_counts() -> None:
    short = record("base", "a", wer=1.0)  # 1 edit in a 1-word reference
    short.scores.counts["wer"] = (1, 1)
    long = record("base", "b", wer=0.0)  # 0 edits in 9 words
    long.scores.counts["wer"] = (0, 9)
    table, _ = summary_tables([short, long], ["wer"], BOOT)
    summary = table["test"]["all"]["wer"]["base"]
    assert summary.mean == 0.5  # mean per utterance
    assert summary.corpus_rate == pytest.approx(0.1)  # total edits / total reference words
