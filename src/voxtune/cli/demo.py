"""`voxtune demo`: the whole chain on a generated corpus, on CPU, in a few minutes."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def demo(
    out: Path = typer.Option(
        Path("voxtune-demo"), "--out", "-o", help="Folder for everything the demo writes."
    ),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Parallel worker processes."),
    seed: int = typer.Option(0, help="Seed of the generated corpus and of training."),
) -> None:
    """Generate a multilingual demo corpus and run every voxtune step on it."""
    from voxtune.demo.pipeline import run_demo
    from voxtune.ui.console import console

    results = run_demo(out, workers=workers, seed=seed, console=console)
    from voxtune.demo.pipeline import summary_table

    console.print(summary_table(results))
