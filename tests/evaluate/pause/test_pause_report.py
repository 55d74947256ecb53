"""Pause probe bookkeeping on constructed traces: digit runs, early turn ends, peaks, the table, the plot."""

from __future__ import annotations

import json

import numpy as np
import pytest

from voxtune.evaluate.pause.digits import DigitRun, digit_runs, has_digits
from voxtune.evaluate.pause.probe import ProbeItem, Trace
from voxtune.evaluate.pause.report import early_end, max_in_runs, summarise, write_report


def test_digit_runs_are_consecutive_spoken_or_written_digits():
    words = [
        ("order", 0.0, 0.3),
        ("number", 0.3, 0.6),
        ("one", 0.6, 0.8),
        ("two", 0.8, 1.0),
        ("oh", 1.0, 1.2),
        ("please", 1.3, 1.6),
        ("7", 1.7, 1.9),
        ("three", 2.0, 2.2),
        ("thanks", 2.3, 2.5),
        ("nine", 2.6, 2.8),
    ]
    assert digit_runs(words, "en") == [DigitRun(0.6, 1.2, 3), DigitRun(1.7, 2.2, 2)]
    assert digit_runs(words, "en", min_digits=4) == []
    french = [("code", 0.0, 0.2), ("quatre", 0.2, 0.5), ("zéro", 0.5, 0.8), ("deux", 0.8, 1.0)]
    assert digit_runs(french, "fr") == [DigitRun(0.2, 1.0, 3)]
    assert digit_runs(french, "en") == []
    assert has_digits("order 12") and not has_digits("order one two")


def make_item(item_id: str, words, runs) -> ProbeItem:
    return ProbeItem(item_id, np.zeros(10, np.float32), 24000, words, "t", "t", "en", runs)


def make_trace(item: ProbeItem, model: str, pause_head: list[float], transcript: str = "one two") -> Trace:
    times = np.arange(len(pause_head)) * 0.25
    pause = np.zeros((len(pause_head), 3))
    pause[:, 2] = pause_head
    pause[:, 0] = 0.99  # another head, always high: only the chosen head counts
    return Trace(item, model, transcript, times, pause)


DIGIT_ITEM = make_item("d", [("one", 0.5, 0.9), ("two", 1.0, 1.4)], [DigitRun(0.5, 1.4, 2)])
PLAIN_ITEM = make_item("p", [("hello", 0.5, 1.4)], [])


def test_a_turn_ends_early_only_on_a_peak_while_the_caller_speaks():
    # steps heard at 0, .25, .5, .75, 1.0, 1.25, 1.5, 1.75 s; speech from .5 to 1.4 s
    assert not early_end(make_trace(DIGIT_ITEM, "m", [0.9, 0.1, 0.2, 0.3, 0.2, 0.1, 0.9, 0.9]), 2, 0.6)
    assert early_end(make_trace(DIGIT_ITEM, "m", [0.1, 0.1, 0.2, 0.7, 0.2, 0.1, 0.1, 0.1]), 2, 0.6)
    assert max_in_runs(make_trace(DIGIT_ITEM, "m", [0.9, 0.1, 0.2, 0.4, 0.3, 0.1, 0.9, 0.9]), 2) == 0.4
    assert max_in_runs(make_trace(PLAIN_ITEM, "m", [0.5] * 8), 2) is None
    with pytest.raises(ValueError, match="3 pause heads"):
        early_end(make_trace(DIGIT_ITEM, "m", [0.1] * 8), 5, 0.6)


def test_the_table_has_a_row_per_model_and_group_with_the_measured_values():
    traces = [
        make_trace(DIGIT_ITEM, "base", [0.0, 0.0, 0.2, 0.8, 0.2, 0.1, 0.0, 0.0], "1 2"),
        make_trace(PLAIN_ITEM, "base", [0.0, 0.0, 0.1, 0.3, 0.2, 0.1, 0.9, 0.9], "hello"),
        make_trace(DIGIT_ITEM, "adapter", [0.0, 0.0, 0.1, 0.2, 0.3, 0.1, 0.9, 0.9], "one two"),
        make_trace(PLAIN_ITEM, "adapter", [0.0, 0.0, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9], "hello"),
    ]
    rows = summarise(traces, head=2, threshold=0.6)
    assert [(r.model, r.group) for r in rows] == [
        ("base", "digits"),
        ("base", "ordinary"),
        ("adapter", "digits"),
        ("adapter", "ordinary"),
    ]
    base_digits, base_plain, adapter_digits, _ = rows
    assert (base_digits.early_end, base_digits.max_in_runs, base_digits.with_digits) == (1, 0.8, 1)
    assert base_plain.early_end == 0 and base_plain.max_in_runs is None
    assert (adapter_digits.early_end, adapter_digits.max_in_runs, adapter_digits.with_digits) == (0, 0.3, 0)
    assert adapter_digits.max_while_speaking_mean == pytest.approx(0.3)


def test_the_report_files_hold_the_table_the_traces_and_a_plot(tmp_path):
    traces = [make_trace(DIGIT_ITEM, "base", [0.1] * 8), make_trace(DIGIT_ITEM, "adapter", [0.2] * 8)]
    files = write_report(traces, tmp_path, head=2, threshold=0.6)
    assert files["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads(files["summary"].read_text())
    assert summary["head"] == 2 and len(summary["rows"]) == 2
    lines = [json.loads(line) for line in files["traces"].read_text().splitlines()]
    assert [line["model"] for line in lines] == ["base", "adapter"]
    assert lines[1]["pause"][0] == [0.99, 0.0, 0.2]
    assert files["table"].read_text().splitlines()[0].startswith("model,group,utterances,early_end")
