"""`voxtune adapters list|show`: what trained adapters there are and what each one is."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app

adapters_app = typer.Typer(
    help="List and inspect trained adapters (runs/NAME/adapters/...).", no_args_is_help=True
)
app.add_typer(adapters_app, name="adapters")


@adapters_app.command("list")
def list_adapters(
    folders: list[Path] = typer.Argument(
        ..., help="Folders holding adapters (a run's adapters/ folder, runs/, or adapter folders)."
    ),
) -> None:
    """List every adapter under FOLDERS: family, base model and its pin, languages, speakers, metrics."""
    from voxtune.adapters.registry import AdapterRegistry
    from voxtune.ui.console import console
    from voxtune.ui.serving import adapters_table, problems_table

    registry = AdapterRegistry.scan(folders)
    console.print(adapters_table(registry))
    problems = problems_table(registry)
    if problems is not None:
        console.print(problems)


@adapters_app.command("show")
def show_adapter(
    adapter: str = typer.Argument(..., help="An adapter folder, or an adapter's name found under --in."),
    within: list[Path] = typer.Option([], "--in", help="Folders to look for the named adapter in."),
) -> None:
    """Show everything an adapter's metadata says (base model, languages, speakers, training, metrics)."""
    from voxtune.adapters.registry import AdapterRegistry, read_adapter
    from voxtune.errors import InputError
    from voxtune.ui.console import console
    from voxtune.ui.serving import adapter_detail

    path = Path(adapter)
    if path.is_dir():
        info = read_adapter(path)
    elif within:
        info = AdapterRegistry.scan(within).get(adapter)
    else:
        raise InputError(
            f"'{adapter}' is not an adapter folder", hint="Give the folder, or a name with --in FOLDER"
        )
    console.print(adapter_detail(info))
