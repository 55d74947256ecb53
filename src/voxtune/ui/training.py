"""What `voxtune train` shows: a progress bar per stage with the running loss, and the summary table."""

from __future__ import annotations

from collections.abc import Mapping

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from voxtune.train.run import TrainResult
from voxtune.train.stages import PlannedStage
from voxtune.train.trainer import StageResult
from voxtune.ui.console import console, hours


def quiet_transformers() -> None:
    """Hide transformers' per-file loading bars and advice, which would drown the training display."""
    import warnings

    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()
    warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


class TrainProgressBars:
    """A TrainProgress showing encoding and training bars (rich)."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> TrainProgressBars:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def _task(self, key: str, description: str, total: int, completed: int = 0) -> int:
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(description, total=total, completed=completed, info="")
        return self._tasks[key]

    def encoding(self, stage: str, done: int, total: int) -> None:
        task = self._task(f"encode:{stage}", f"encode {stage}", total)
        self._progress.update(task, completed=done, info="items (codec codes cached)")

    def stage_started(self, stage: PlannedStage, train_items: int, val_items: int, start_step: int) -> None:
        task = self._task(f"train:{stage.name}", f"train {stage.name}", stage.steps, start_step)
        self._progress.update(task, info=f"adapter {stage.adapter}, {train_items} items ({val_items} val)")

    def step(self, stage: str, step: int, total: int, metrics: Mapping[str, float]) -> None:
        task = self._tasks[f"train:{stage}"]
        info = f"loss {metrics['train/loss']:.3f}  lr {metrics['train/lr']:.1e}"
        self._progress.update(task, completed=step, info=info)

    def evaluated(self, stage: str, step: int, metrics: Mapping[str, float]) -> None:
        task = self._tasks[f"train:{stage}"]
        self._progress.update(task, info=f"val loss {metrics['loss']:.3f}")

    def stage_finished(self, result: StageResult) -> None:
        task = self._tasks.get(f"train:{result.stage}")
        if task is not None:
            self._progress.update(
                task, completed=result.planned_steps if not result.stopped_early else result.steps
            )


def train_table(result: TrainResult) -> Table:
    """One row per stage: data, steps, losses (next to the target entropy), time, adapter folder."""
    table = Table(title=f"train: {result.run_dir}", title_justify="left", caption=result.split_note)
    for column in (
        "stage",
        "adapter",
        "items",
        "steps",
        "train loss",
        "val loss",
        "val nll",
        "entropy",
        "time",
    ):
        justify = "left" if column in ("stage", "adapter") else "right"
        table.add_column(column, justify=justify)
    table.add_column("adapter folder / notes", overflow="fold")
    for r in result.stages:
        notes = [r.adapter_dir or "", *r.notes]
        if r.interrupted:
            notes.insert(0, "interrupted: resume with --resume")
        table.add_row(
            r.stage,
            r.adapter,
            f"{r.train_items}+{r.val_items}",
            f"{r.steps}/{r.planned_steps}",
            _number(r.train_loss),
            _number(r.best_val),
            _number(r.val.get("nll")),
            _number(r.target_entropy),
            hours(r.seconds),
            "\n".join(n for n in notes if n),
        )
    return table


def entropy_line(result: StageResult) -> str:
    """``val nll 2.39 vs code entropy 2.96 nats/token (19% below)`` for a stage."""
    nll, entropy = result.val.get("nll"), result.target_entropy
    if nll is None or entropy is None:
        return "no validation loss"
    below = (1 - nll / entropy) * 100 if entropy else 0.0
    return f"val nll {nll:.2f} vs target entropy {entropy:.2f} nats/token ({below:.0f}% below)"
