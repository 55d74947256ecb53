"""`voxtune train CONFIG.yaml [--resume]`: LoRA (or full) fine-tuning in stages."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def train(
    config: Path = typer.Argument(..., help="Training YAML: base model, corpus and stages (see recipes/)."),
    resume: bool = typer.Option(
        False, "--resume", help="Continue the run from its latest checkpoint (finished stages are kept)."
    ),
) -> None:
    """Train adapters on a prepared corpus, stage by stage; writes OUTPUT/NAME (adapters, checkpoints,
    logs, samples)."""
    from voxtune.train import run_training
    from voxtune.ui.console import console
    from voxtune.ui.training import TrainProgressBars, entropy_line, quiet_transformers, train_table

    quiet_transformers()
    with TrainProgressBars() as bars:
        result = run_training(config, resume=resume, progress=bars)
    if not result.main_process:  # other processes of a multi-GPU launch stay quiet
        return
    console.print(train_table(result))
    for stage in result.stages:
        console.print(f"[bold]{stage.stage}[/]: {entropy_line(stage)}")
    if result.rejected:
        console.print(f"{result.rejected} items could not be used: see {result.run_dir / 'rejected.jsonl'}")
