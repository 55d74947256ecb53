"""What `voxtune evaluate pause` prints: one row per model and utterance group."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from voxtune.evaluate.pause.report import ProbeRow


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def pause_table(rows: Sequence[ProbeRow], *, head: int, threshold: float) -> Table:
    table = Table(title=f"pause heads (head {head}, turn ends at p ≥ {threshold:g})", title_justify="left")
    for name, justify in (
        ("model", "left"),
        ("utterances", "left"),
        ("n", "right"),
        ("ended early", "right"),
        ("max p in digit runs (mean / max)", "right"),
        ("max p while speaking", "right"),
        ("transcripts with digits", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(
            row.model,
            row.group,
            str(row.utterances),
            f"{row.early_end} ({row.early_end_fraction:.0%})",
            f"{_number(row.max_in_runs_mean)} / {_number(row.max_in_runs)}",
            _number(row.max_while_speaking_mean),
            f"{row.with_digits} ({row.with_digits_fraction:.0%})",
        )
    return table
