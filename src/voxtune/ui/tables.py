"""Summary tables printed at the end of commands."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from voxtune.corpus.ledger import Rejection
from voxtune.corpus.stats import CorpusStats, histogram
from voxtune.formats.export import ExportResult
from voxtune.prepare.runner import PrepareResult
from voxtune.ui.console import hours


def prepare_table(result: PrepareResult) -> Table:
    table = Table(title="prepare: per stage", title_justify="left")
    for column in ("stage", "status", "in", "out", "rejected", "audio in", "audio out", "time"):
        table.add_column(
            column, justify="left" if column in ("stage", "status") else "right", no_wrap=column == "stage"
        )
    for report in result.stages:
        table.add_row(
            f"{report.index:02d} {report.name}",
            report.status,
            str(report.items_in),
            str(report.items_out),
            str(report.rejected) if report.rejected else "",
            hours(report.seconds_in),
            hours(report.seconds_out),
            f"{report.elapsed:.1f} s",
        )
    return table


def export_table(result: ExportResult) -> Table:
    """One export: format, items, files, audio, what was left out (by reason) and format details."""
    table = Table(title=f"export: {result.format}", title_justify="left", show_header=False)
    table.add_column("")
    table.add_column("", overflow="fold")
    table.add_row("folder", str(result.folder))
    table.add_row("items", str(result.items))
    table.add_row("files", str(result.files))
    table.add_row("audio", hours(result.seconds))
    counts = Counter(r.code for r in result.rejections)
    table.add_row("left out", ", ".join(f"{code} {n}" for code, n in counts.most_common()) or "none")
    for key, value in result.details.items():
        if isinstance(value, (str, int, float, bool)):
            table.add_row(key, str(value))
    return table


def rejections_table(rejections: list[Rejection], examples: int = 1) -> Table:
    """Rejections grouped by stage and reason code, with a count and an example reason."""
    table = Table(title="rejected items by reason", title_justify="left")
    for column in ("stage", "reason", "count", "example"):
        table.add_column(column, justify="right" if column == "count" else "left", overflow="fold")
    counts = Counter((r.stage, r.code) for r in rejections)
    first: dict[tuple[str, str], Rejection] = {}
    for rejection in rejections:
        first.setdefault((rejection.stage, rejection.code), rejection)
    for (stage, code), count in counts.most_common():
        example = first[(stage, code)]
        table.add_row(stage, code, str(count), f"{example.id}: {example.reason}"[:160])
    return table


def corpus_table(stats: CorpusStats, title: str = "corpus", top: int = 12) -> Table:
    """Items and hours in total and per language, speaker and split (the ``top`` largest of each)."""
    table = Table(title=title, title_justify="left")
    table.add_column("")
    table.add_column("items", justify="right")
    table.add_column("audio", justify="right")
    table.add_row("[bold]total", str(stats.cuts), hours(stats.seconds))
    for label, counter in (
        ("language", stats.language_seconds),
        ("speaker", stats.speaker_seconds),
        ("split", stats.split_seconds),
    ):
        ranked = sorted(counter.items(), key=lambda kv: -kv[1])
        for name, seconds in ranked[:top]:
            table.add_row(f"{label}: {name}", "", hours(seconds))
        if len(ranked) > top:
            rest = sum(seconds for _, seconds in ranked[top:])
            table.add_row(f"{label}: {len(ranked) - top} more", "", hours(rest))
    return table


def duration_histogram(stats: CorpusStats, bins: int = 10, width: int = 40) -> Table:
    """Item durations as a terminal bar chart."""
    table = Table(title="item durations", title_justify="left", show_header=False, box=None)
    rows = histogram(stats.durations, bins)
    peak = max((count for _, _, count in rows), default=1) or 1
    for low, high, count in rows:
        bar = "█" * max(1 if count else 0, round(width * count / peak))
        table.add_row(f"{low:6.1f}-{high:<6.1f} s", f"[cyan]{bar}[/]", str(count))
    return table
