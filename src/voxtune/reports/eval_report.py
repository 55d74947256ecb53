"""report.html for an evaluation: base vs adapters side by side, with deltas, intervals, plots and audio."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import soundfile as sf

from voxtune.evaluate.suite.metric_specs import BY_KEY, MetricSpec
from voxtune.evaluate.suite.summary import ALL_LANGUAGES, Delta, Summary
from voxtune.reports.eval_plots import confusion_figure, distributions_figure, f0_figure, mel_figure
from voxtune.reports.html import HtmlReport, Raw, audio_player

if TYPE_CHECKING:
    from voxtune.evaluate.suite.run import EvalResult

SET_TITLES = {
    "test": "Test split",
    "regression": "Regression set (base language)",
    "confusion": "Confusion sentences",
}
_VERDICT_STYLE = {"better": "color:#1a7f37;font-weight:600", "worse": "color:#cf222e;font-weight:600"}


def fmt(value: float | None, spec: MetricSpec) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:.{spec.digits}f}" if abs(value) < 1000 else f"{value:.0f}"


def interval(low: float | None, high: float | None, spec: MetricSpec) -> str:
    if low is None or high is None:
        return "—"
    return f"[{fmt(low, spec)}, {fmt(high, spec)}]"


def delta_cell(delta: Delta | None, spec: MetricSpec) -> Raw | str:
    if delta is None:
        return ""
    sign = "+" if delta.estimate > 0 else ""
    text = f"{sign}{fmt(delta.estimate, spec)} {interval(delta.low, delta.high, spec)} · {delta.verdict}"
    style = _VERDICT_STYLE.get(delta.verdict, "color:#555")
    return Raw(
        f"<span class='delta' data-verdict='{delta.verdict}' style='{style}'>{html.escape(text)}</span>"
    )


def failures_text(summary: Summary) -> str:
    if not summary.failures:
        return "0"
    codes = ", ".join(f"{code} {n}" for code, n in sorted(summary.failure_codes.items()))
    return f"{summary.failures} ({codes})"


def write_eval_report(result: EvalResult) -> Path:
    """Build ``report.html`` in the evaluation folder and return its path."""
    confidence = result.config.bootstrap.confidence
    report = HtmlReport(
        f"Evaluation: {result.config.name}",
        f"{result.family} ({result.task}) · {len(result.systems)} systems · "
        f"{len({(r.set, r.item) for r in result.records})} items · {result.seconds:.0f} s · "
        f"means over items with {confidence:.0%} bootstrap intervals; Δ = system − base on paired items",
    )
    _systems_section(report, result)
    for set_name in ("test", "regression", "confusion"):
        if set_name in result.table:
            _set_section(report, result, set_name)
    if result.confusion is not None:
        _confusion_section(report, result)
    _distributions_section(report, result)
    _samples_section(report, result)
    _failures_section(report, result)
    if result.notes:
        report.heading("Notes")
        report.raw(
            "<ul class='note'>" + "".join(f"<li>{html.escape(n)}</li>" for n in result.notes) + "</ul>"
        )
    return report.write(result.report_path)


def _systems_section(report: HtmlReport, result: EvalResult) -> None:
    report.heading("Systems and judges")
    rows = []
    for info in result.systems:
        failed = ", ".join(f"{code} {n}" for code, n in sorted(info.failures.items())) or "0"
        rows.append(
            [info.name, info.kind, info.path or "", ", ".join(info.languages) or "all", info.items, failed]
        )
    report.table(["system", "kind", "from", "languages", "items", "outputs failed"], rows)
    if result.judges:
        report.table(["judge", "status"], sorted(result.judges.items()))


def _set_section(report: HtmlReport, result: EvalResult, set_name: str) -> None:
    report.heading(SET_TITLES.get(set_name, set_name))
    languages = result.table[set_name]
    overall = languages.get(ALL_LANGUAGES, {})
    deltas = result.deltas.get(set_name, {}).get(ALL_LANGUAGES, {})
    rows: list[list[Any]] = []
    for key in result.keys:
        if key not in overall:
            continue
        spec = BY_KEY[key]
        label = f"{spec.label} ({spec.unit})" if spec.unit else spec.label
        for system, summary in overall[key].items():
            corpus = "" if summary.corpus_rate is None else fmt(summary.corpus_rate, spec)
            rows.append(
                [
                    label,
                    system,
                    summary.n,
                    failures_text(summary),
                    fmt(summary.mean, spec),
                    interval(summary.low, summary.high, spec),
                    corpus,
                    delta_cell(deltas.get(key, {}).get(system), spec),
                ]
            )
    report.table(
        ["metric", "system", "n", "failed", "mean", "interval", "corpus-level", "Δ vs base [interval]"],
        rows,
    )
    report.paragraph(
        "lower is better for WER, CER, MCD, F0 RMSE, V/UV error, duration MAE, latency and RTF; higher "
        "for the rest. WER/CER 'mean' is the mean of per-utterance rates; 'corpus-level' is total edits "
        "over total reference words (characters).",
        "note",
    )
    per_language = {k: v for k, v in languages.items() if k != ALL_LANGUAGES}
    if len(per_language) > 1:
        systems = [s.name for s in result.systems]
        rows = []
        for language, metrics in sorted(per_language.items()):
            for key in result.keys:
                if key not in metrics:
                    continue
                spec = BY_KEY[key]
                rows.append(
                    [language, spec.label]
                    + [
                        f"{fmt(metrics[key][s].mean, spec)} (n={metrics[key][s].n})"
                        if s in metrics[key]
                        else ""
                        for s in systems
                    ]
                )
        report.paragraph("By language (means):")
        report.table(["language", "metric", *systems], rows)


def _confusion_section(report: HtmlReport, result: EvalResult) -> None:
    matrix = result.confusion
    assert matrix is not None
    report.heading("Language confusion")
    pairs = ", ".join(f"{a} → {lang}" for a, lang in sorted(result.confusion_languages.items()))
    report.paragraph(
        f"Each adapter speaks sentences of its own language ({pairs}); the language-ID judge says which "
        f"language it heard. Accuracy {matrix.accuracy:.1%} over {matrix.total} sentences."
    )
    report.table(
        ["adapter language \\ heard as", *matrix.predicted_labels, "recall"],
        [
            [label, *[int(c) for c in matrix.counts[i]], f"{matrix.recall(label):.0%}"]
            for i, label in enumerate(matrix.labels)
        ],
    )
    report.figure(confusion_figure(matrix), "Confusion matrix (rows: the adapter's language)")


def _distributions_section(report: HtmlReport, result: EvalResult) -> None:
    overall = result.table.get("test", {}).get(ALL_LANGUAGES) or next(
        (langs[ALL_LANGUAGES] for langs in result.table.values() if ALL_LANGUAGES in langs), {}
    )
    panels = []
    for key in result.keys:
        by_system = {s: list(v.values) for s, v in overall.get(key, {}).items() if v.values}
        if by_system:
            panels.append((BY_KEY[key].label, by_system))
    if panels:
        report.heading("Metric distributions")
        report.figure(distributions_figure(panels), "Per-item values (boxes: quartiles; dots: items)")


def _clip(result: EvalResult, path: str | None) -> tuple[np.ndarray, int] | None:
    if path is None:
        return None
    file = result.run_dir / path
    if not file.is_file():
        return None
    samples, rate = sf.read(str(file), dtype="float32", always_2d=True)
    return samples.mean(axis=1), int(rate)


def _samples_section(report: HtmlReport, result: EvalResult) -> None:
    if not result.sample_items:
        return
    by_item: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for record in result.records:
        by_item[(record.set, record.item)][record.system] = record
    systems = [s.name for s in result.systems]
    order = ["reference", *[s for s in systems if s != "reference"]]
    report.heading(f"{len(result.sample_items)} sampled items")
    shown = [k for k in ("wer", "mcd_db", "f0_rmse_hz", "speaker_sim", "dnsmos_ovrl") if k in result.keys]
    rows = []
    max_seconds = result.config.report.max_audio_seconds
    for item in result.sample_items:
        records = by_item.get((item.set, item.id), {})
        first = True
        for system in order:
            record = records.get(system)
            if record is None:
                continue
            clip = _clip(result, record.audio_path)
            heard = record.scores.transcript if record.output_text is None else record.output_text
            failure = next(iter(record.scores.failures.values()), None)
            listen: Any = (
                audio_player(clip[0], clip[1], max_seconds) if clip else (failure.code if failure else "")
            )
            head = [item.id, item.language or "", item.text or ""] if first else ["", "", ""]
            first = False
            values = [
                fmt(record.scores.values[k], BY_KEY[k]) if k in record.scores.values else "" for k in shown
            ]
            rows.append([*head, system, listen, heard or "", *values])
    report.table(
        [
            "item",
            "language",
            "text",
            "system",
            "listen",
            "heard (ASR judge)",
            *[BY_KEY[k].label for k in shown],
        ],
        rows,
    )
    for item in result.sample_items:
        records = by_item.get((item.set, item.id), {})
        clips = [
            (system, *clip)
            for system in order
            if system in records and (clip := _clip(result, records[system].audio_path)) is not None
        ]
        tracks = [
            (system, *result.f0_tracks[(system, item.id)])
            for system in order
            if (system, item.id) in result.f0_tracks
        ]
        if not clips:
            continue
        figures = [mel_figure(clips, f"{item.id}: log-mel spectrograms")]
        if tracks:
            figures.append(f0_figure(tracks, f"{item.id}: F0 contours (Harvest)"))
        report.raw("<div class='grid'>")
        for figure in figures:
            report.figure(figure)
        report.raw("</div>")


def _failures_section(report: HtmlReport, result: EvalResult) -> None:
    counts: Counter[tuple[str, str, str, str]] = Counter()
    example: dict[tuple[str, str, str, str], str] = {}
    for record in result.records:
        seen: set[tuple[str, str]] = set()
        for key, failure in record.scores.failures.items():
            group = BY_KEY[key].group
            if (group, failure.code) in seen:
                continue
            seen.add((group, failure.code))
            bucket = (record.set, record.system, group, failure.code)
            counts[bucket] += 1
            example.setdefault(bucket, failure.reason)
    report.heading("Items that could not be scored")
    if not counts:
        report.paragraph("Every item was scored by every metric.")
        return
    report.table(
        ["set", "system", "metric", "reason", "items", "example"],
        [[*bucket, n, example[bucket]] for bucket, n in sorted(counts.items())],
    )
