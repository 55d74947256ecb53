"""What `voxtune evaluate` shows: a progress bar per system and a summary table with deltas."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from voxtune.evaluate.suite.metric_specs import BY_KEY
from voxtune.evaluate.suite.run import EvalResult
from voxtune.evaluate.suite.summary import ALL_LANGUAGES
from voxtune.ui.console import console

_VERDICT = {"better": "[green]better[/]", "worse": "[red]worse[/]", "unclear": "unclear"}


class EvalProgressBars:
    """An EvalProgress with one rich bar per system."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> EvalProgressBars:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def system_started(self, system: str, items: int) -> None:
        self._tasks[system] = self._progress.add_task(system, total=items)

    def item_done(self, system: str) -> None:
        self._progress.advance(self._tasks[system])


def evaluation_table(result: EvalResult, set_name: str = "test") -> Table:
    """Metric rows, one column per system: mean, and for adapters the delta vs base and its verdict."""
    table = Table(
        title=f"evaluate: {result.config.name} · {set_name} set",
        title_justify="left",
        caption=str(result.report_path),
    )
    overall = result.table.get(set_name, {}).get(ALL_LANGUAGES, {})
    deltas = result.deltas.get(set_name, {}).get(ALL_LANGUAGES, {})
    systems = [s.name for s in result.systems if any(s.name in v for v in overall.values())]
    table.add_column("metric")
    for system in systems:
        table.add_column(system, justify="right")
    for key in result.keys:
        if key not in overall:
            continue
        spec = BY_KEY[key]
        cells = []
        for system in systems:
            summary = overall[key].get(system)
            if summary is None or summary.mean is None:
                cells.append("—" if summary is None else f"failed {summary.failures}")
                continue
            text = f"{summary.mean:.{spec.digits}f}"
            delta = deltas.get(key, {}).get(system)
            if delta is not None:
                text += f" ({delta.estimate:+.{spec.digits}f}, {_VERDICT[delta.verdict]})"
            if summary.failures:
                text += f" [dim]{summary.failures} failed[/]"
            cells.append(text)
        table.add_row(f"{spec.label} ({spec.unit})" if spec.unit else spec.label, *cells)
    return table


def headline(result: EvalResult) -> str:
    """One line for the demo summary: systems, items, a headline delta and the confusion accuracy."""
    adapters = [s.name for s in result.systems if s.kind not in ("base", "reference")]
    test_items = len({r.item for r in result.records if r.set == "test"})
    parts = [f"base + {len(adapters)} adapters on {test_items} test items"]
    deltas = result.deltas.get("test", {}).get(ALL_LANGUAGES, {})
    for key in ("mcd_db", "wer", "speaker_sim"):
        if deltas.get(key):
            system, delta = next(iter(deltas[key].items()))
            base = result.table["test"][ALL_LANGUAGES][key]["base"].mean
            spec = BY_KEY[key]
            parts.append(
                f"{spec.label} base {base:.{spec.digits}f}, {system} Δ {delta.estimate:+.{spec.digits}f} "
                f"({delta.verdict})"
            )
            break
    if result.confusion is not None:
        parts.append(f"language confusion accuracy {result.confusion.accuracy:.0%}")
    return "; ".join(parts)
