"""The typer application that every command module adds itself to."""

from __future__ import annotations

import typer

from voxtune import __version__

app = typer.Typer(
    name="voxtune",
    help="Adapt open speech models to a new language, accent, voice or behaviour — from raw audio.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"voxtune {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """voxtune: prepare → export → train → evaluate → merge → serve. Add --debug to see tracebacks."""
