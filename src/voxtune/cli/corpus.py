"""`voxtune corpus info DIR`: what a prepared corpus holds."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app

corpus_app = typer.Typer(help="Inspect a prepared corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("info")
def info(
    folder: Path = typer.Argument(..., help="Corpus folder written by `voxtune prepare`."),
    split: str | None = typer.Option(None, help="Only this split (train / validation / test)."),
) -> None:
    """Hours, speakers, languages and a duration histogram."""
    from voxtune.corpus import Corpus
    from voxtune.ui.console import console
    from voxtune.ui.tables import corpus_table, duration_histogram, rejections_table

    corpus = Corpus.open(folder)
    stats = corpus.stats(split)
    console.print(corpus_table(stats, title=f"corpus {corpus.root}" + (f" ({split})" if split else "")))
    console.print(duration_histogram(stats))
    rejections = list(corpus.rejections())
    if rejections:
        console.print(rejections_table(rejections))


@corpus_app.command("report")
def report(
    folder: Path = typer.Argument(..., help="Corpus folder written by `voxtune prepare`."),
    samples: int = typer.Option(12, min=0, help="How many random items get an audio player."),
) -> None:
    """(Re)write report.html: composition, quality distributions, rejections, sample players."""
    from voxtune.reports.corpus_report import write_corpus_report
    from voxtune.ui.console import console

    path = write_corpus_report(folder, samples=samples)
    console.print(f"[bold]report[/] {path}")
