"""The `voxtune evaluate` command group; each evaluation is a command module that registers on it."""

from __future__ import annotations

import typer

from voxtune.cli.app import app

evaluate_app = typer.Typer(
    name="evaluate",
    help="Evaluate trained models: each subcommand is one kind of evaluation.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(evaluate_app, name="evaluate")
