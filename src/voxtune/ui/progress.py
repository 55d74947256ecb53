"""Progress bars for prepare stages (a ProgressSink shown with rich)."""

from __future__ import annotations

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from voxtune.prepare.recipe import StageSpec
from voxtune.prepare.runner import StageReport
from voxtune.ui.console import console


class StageProgress:
    """One bar per stage; cached stages show as complete at once."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("items"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: int | None = None

    def __enter__(self) -> StageProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start_stage(self, spec: StageSpec, total: int | None) -> None:
        self._task = self._progress.add_task(f"{spec.index:02d} {spec.name}", total=total)

    def advance(self, items: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, items)

    def end_stage(self, report: StageReport) -> None:
        if self._task is None:
            return
        label = f"{report.index:02d} {report.name}" + (" (cached)" if report.status == "cached" else "")
        self._progress.update(self._task, description=label, total=report.items_in, completed=report.items_in)
        self._task = None
