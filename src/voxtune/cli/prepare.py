"""`voxtune prepare RECIPE.yaml` and `voxtune stages`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def prepare(
    recipe: Path = typer.Argument(..., help="Recipe YAML listing the stages to run."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Corpus folder to write (default: the recipe's 'output')."
    ),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help="Parallel worker processes."),
    executor: str | None = typer.Option(None, help="'local' (process pool) or 'ray' (cluster)."),
    force: bool = typer.Option(False, help="Redo every stage even when its cached output is current."),
) -> None:
    """Turn raw audio into a clean, labelled corpus (resumes an interrupted run)."""
    from voxtune.prepare import load_recipe, run_recipe
    from voxtune.ui.progress import StageProgress

    loaded = load_recipe(recipe)
    with StageProgress() as progress:
        result = run_recipe(loaded, out, workers=workers, executor=executor, force=force, progress=progress)
    print_prepare_summary(result)


def print_prepare_summary(result) -> None:  # type: ignore[no-untyped-def]
    from voxtune.corpus import Corpus
    from voxtune.ui.console import console
    from voxtune.ui.tables import prepare_table, rejections_table

    corpus = Corpus.open(result.corpus_dir)
    console.print(prepare_table(result))
    rejections = list(corpus.rejections())
    if rejections:
        console.print(rejections_table(rejections))
    console.print(
        f"[bold green]corpus[/] {corpus.root}  ·  {result.items_out} items, {result.hours_out:.2f} h"
        f"  ·  {len(rejections)} rejected (see {corpus.ledger_path.name})"
    )
    report = corpus.root / "report.html"
    if report.is_file():
        console.print(f"[bold]report[/] {report}")


@app.command()
def stages() -> None:
    """List the prepare stages a recipe can use, with their settings."""
    from rich.table import Table

    from voxtune.prepare import available_stages
    from voxtune.ui.console import console

    table = Table(title="prepare stages", title_justify="left")
    table.add_column("stage")
    table.add_column("what it does")
    table.add_column("settings (default)", overflow="fold")
    for name, cls in available_stages().items():
        doc = (sys.modules[cls.__module__].__doc__ or "").strip()
        summary = doc.split("\n")[0].split(": ", 1)[-1]
        settings = ", ".join(
            f"{field}={info.default!r}" if not info.is_required() else f"{field} (required)"
            for field, info in cls.config_class.model_fields.items()
        )
        table.add_row(name, summary, settings)
    console.print(table)
