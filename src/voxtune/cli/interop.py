"""`voxtune export CORPUS --format F --out DIR` and `voxtune import --format F PATH --out CORPUS`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import yaml

from voxtune.cli.app import app
from voxtune.errors import ConfigError

_OPTION_HELP = "A format setting as KEY=VALUE (VALUE is read as YAML: 3, true, [a, b]); repeatable."


@app.command("export")
def export(
    corpus: Path = typer.Argument(..., help="Corpus folder written by `voxtune prepare`."),
    format: str = typer.Option(..., "--format", "-f", help="moshi, hf, kokoro, ljspeech, nemo or lhotse."),
    out: Path = typer.Option(..., "--out", "-o", help="New (or empty) folder for the export."),
    split: str | None = typer.Option(None, help="Only this split (train / validation / test)."),
    option: list[str] = typer.Option([], "--option", "-O", help=_OPTION_HELP),
) -> None:
    """Write the corpus in a trainer's format; items it cannot take are listed with reasons."""
    from voxtune.formats import export_corpus
    from voxtune.ui.console import console
    from voxtune.ui.tables import export_table, rejections_table

    result = export_corpus(corpus, format, out, split=split, options=parse_options(option))
    console.print(export_table(result))
    if result.rejections:
        console.print(rejections_table(result.rejections))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", soft_wrap=True)
    colour = "green" if result.items else "red"
    console.print(
        f"[bold {colour}]export[/] {result.folder}  ·  {result.items} items in {result.files} files"
        f"  ·  {result.rejected} left out (see voxtune_export.json)"
    )


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="The corpus to read (a folder or its index file)."),
    format: str = typer.Option(..., "--format", "-f", help="moshi, ljspeech, nemo, lhotse or commonvoice."),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Corpus folder to write (resumes an interrupted import)."
    ),
    option: list[str] = typer.Option([], "--option", "-O", help=_OPTION_HELP),
    language: str | None = typer.Option(None, help="Language of items that do not name one."),
    speaker: str | None = typer.Option(None, help="Speaker of items that do not name one."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Parallel worker processes."),
) -> None:
    """Read a corpus in another tool's layout into a voxtune corpus (a one-stage prepare run)."""
    from voxtune.cli.prepare import print_prepare_summary
    from voxtune.formats import import_corpus
    from voxtune.ui.progress import StageProgress

    with StageProgress() as progress:
        result = import_corpus(
            format,
            path,
            out,
            options=parse_options(option),
            language=language,
            speaker=speaker,
            workers=workers,
            progress=progress,
        )
    print_prepare_summary(result)


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """``["mode=stt", "model_speaker=[a, b]"]`` -> ``{"mode": "stt", "model_speaker": ["a", "b"]}``."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--option '{pair}' is not KEY=VALUE", hint="For example: -O mode=stt")
        try:
            options[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            options[key.strip()] = value
    return options
