"""The pause probe's findings: a table per model and utterance group, per-utterance traces, and a plot.

An utterance's turn "would have ended early" when the chosen head's pause probability reaches the
threshold at a step heard while the caller was still speaking (between the first word's start and the
last word's end): what a semantic VAD reading that head (unmute reads ``prs[2]`` against 0.6) would do.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from voxtune.corpus.manifest import atomic_output
from voxtune.evaluate.pause.digits import has_digits
from voxtune.evaluate.pause.probe import DIGITS, Trace

DEFAULT_HEAD = 2
DEFAULT_THRESHOLD = 0.6


@dataclass(frozen=True)
class ProbeRow:
    """One model on one group of utterances (``digits``: with a dictated digit run; ``ordinary``)."""

    model: str
    group: str
    utterances: int
    early_end: int
    """Utterances whose turn would have ended before the caller finished."""
    early_end_fraction: float
    max_in_runs_mean: float | None
    """Mean over utterances of the highest pause probability inside a digit run (digits group)."""
    max_in_runs: float | None
    max_while_speaking_mean: float
    with_digits: int
    """Transcripts that still hold digit characters."""
    with_digits_fraction: float


def head_index(trace: Trace, head: int) -> int:
    if not 0 <= head < trace.pause.shape[1]:
        raise ValueError(f"head {head} does not exist: the model has {trace.pause.shape[1]} pause heads")
    return head


def early_end(trace: Trace, head: int, threshold: float) -> bool:
    speaking = trace.speaking()
    return bool(speaking.any() and (trace.pause[speaking, head_index(trace, head)] >= threshold).any())


def max_in_runs(trace: Trace, head: int) -> float | None:
    inside = trace.in_runs()
    return float(trace.pause[inside, head_index(trace, head)].max()) if inside.any() else None


def summarise(
    traces: Sequence[Trace], *, head: int = DEFAULT_HEAD, threshold: float = DEFAULT_THRESHOLD
) -> list[ProbeRow]:
    """One row per (model, group), models in the order first seen, the digits group first."""
    keys: list[tuple[str, str]] = []
    for trace in traces:
        key = (trace.model, trace.item.group)
        if key not in keys:
            keys.append(key)
    keys.sort(key=lambda k: ([t.model for t in traces].index(k[0]), k[1] != DIGITS))
    rows = []
    for model, group in keys:
        chosen = [t for t in traces if t.model == model and t.item.group == group]
        ended = sum(early_end(t, head, threshold) for t in chosen)
        peaks = [p for t in chosen if (p := max_in_runs(t, head)) is not None]
        speaking = [float(t.pause[t.speaking(), head].max()) if t.speaking().any() else 0.0 for t in chosen]
        digits = sum(has_digits(t.transcript) for t in chosen)
        rows.append(
            ProbeRow(
                model=model,
                group=group,
                utterances=len(chosen),
                early_end=ended,
                early_end_fraction=ended / len(chosen),
                max_in_runs_mean=float(np.mean(peaks)) if peaks else None,
                max_in_runs=float(np.max(peaks)) if peaks else None,
                max_while_speaking_mean=float(np.mean(speaking)),
                with_digits=digits,
                with_digits_fraction=digits / len(chosen),
            )
        )
    return rows


def plot_traces(
    traces: Sequence[Trace],
    path: str | Path,
    *,
    head: int = DEFAULT_HEAD,
    threshold: float = DEFAULT_THRESHOLD,
    max_utterances: int = 6,
) -> Path:
    """Pause probability over time of each model on the first utterances (digits first), with the
    words marked, digit runs shaded and the threshold drawn; written as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids: list[str] = []
    for trace in sorted(traces, key=lambda t: t.item.group != DIGITS):
        if trace.item.id not in ids:
            ids.append(trace.item.id)
    ids = ids[:max_utterances]
    models = list(dict.fromkeys(t.model for t in traces))
    figure, axes = plt.subplots(len(ids), 1, figsize=(10, 2.2 * len(ids)), squeeze=False)
    for axis, item_id in zip(axes[:, 0], ids, strict=True):
        item = next(t.item for t in traces if t.item.id == item_id)
        for run in item.runs:
            axis.axvspan(run.start, run.end, color="gold", alpha=0.25, lw=0)
        for word, start, end in item.words:
            axis.axvline(start, color="0.8", lw=0.6)
            axis.text((start + end) / 2, 1.02, word, ha="center", va="bottom", fontsize=7, rotation=30)
        for number, model in enumerate(models):
            for trace in traces:
                if trace.item.id == item_id and trace.model == model:
                    axis.plot(
                        trace.times,
                        trace.pause[:, head],
                        lw=1.4,
                        color=f"C{number}",
                        label=f"{model}: {trace.transcript[:40]!r}",
                    )
        axis.axhline(threshold, color="red", ls="--", lw=0.8)
        axis.set_ylim(0, 1)
        axis.set_xlim(min(0.0, axis.get_xlim()[0]), None)
        axis.set_ylabel(f"pause p (head {head})", fontsize=8)
        axis.set_title(f"{item.id} [{item.group}]  {item.original!r}", fontsize=9, loc="left", pad=18)
        axis.legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xlabel("seconds of audio heard")
    figure.tight_layout()
    path = Path(path)
    with atomic_output(path) as tmp:
        figure.savefig(tmp, dpi=110, format="png")
    plt.close(figure)
    return path


def write_report(
    traces: Sequence[Trace],
    folder: str | Path,
    *,
    head: int = DEFAULT_HEAD,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Path]:
    """``summary.csv`` / ``summary.json`` (the table), ``traces.jsonl`` (every step) and ``pause.png``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = summarise(traces, head=head, threshold=threshold)
    table = folder / "summary.csv"
    with atomic_output(table) as tmp, open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ProbeRow.__dataclass_fields__))
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)
    summary = folder / "summary.json"
    summary.write_text(
        json.dumps({"head": head, "threshold": threshold, "rows": [asdict(r) for r in rows]}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    lines = folder / "traces.jsonl"
    with atomic_output(lines) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        for trace in traces:
            record = {
                "id": trace.item.id,
                "model": trace.model,
                "group": trace.item.group,
                "text": trace.item.text,
                "original": trace.item.original,
                "transcript": trace.transcript,
                "early_end": early_end(trace, head, threshold),
                "max_in_runs": max_in_runs(trace, head),
                "words": [list(w) for w in trace.item.words],
                "digit_runs": [asdict(run) for run in trace.item.runs],
                "times": [round(float(t), 4) for t in trace.times],
                "pause": np.round(trace.pause, 5).tolist(),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    plot = plot_traces(traces, folder / "pause.png", head=head, threshold=threshold)
    return {"table": table, "summary": summary, "traces": lines, "plot": plot}
