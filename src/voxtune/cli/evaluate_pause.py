"""`voxtune evaluate pause`: Kyutai STT pause heads on dictated numbers vs other speech, base vs adapter."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.evaluate import evaluate_app


@evaluate_app.command("pause")
def pause(
    base: str = typer.Option(
        ..., "--base", "-b", help="Kyutai STT model: folder or hub id (with pause heads)."
    ),
    corpus: Path = typer.Option(
        ..., "--corpus", "-c", help="Corpus folder with word timings (voxtune prepare)."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Folder for summary.csv/json, traces.jsonl, pause.png."
    ),
    adapter: Path | None = typer.Option(
        None, "--adapter", "-a", help="Adapter folder to compare with the base."
    ),
    split: str | None = typer.Option("test", help="Corpus split to probe (none: every item)."),
    max_items: int = typer.Option(40, min=1, help="Probe at most this many utterances."),
    head: int = typer.Option(2, min=0, help="Pause head read as the turn-end signal (unmute reads 2)."),
    threshold: float = typer.Option(0.6, min=0.0, max=1.0, help="Pause probability that ends a turn."),
    min_digits: int = typer.Option(2, min=1, help="Digits in a row that make a dictated number."),
) -> None:
    """Stream each utterance through the STT model, record every pause head frame by frame, and report
    how often the turn would have ended while the caller was still speaking."""
    from voxtune.evaluate.pause import probe_pause
    from voxtune.ui.console import console
    from voxtune.ui.pause_probe import pause_table
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    result = probe_pause(
        base,
        corpus,
        out,
        adapter=adapter,
        split=split or None,
        max_items=max_items,
        head=head,
        threshold=threshold,
        min_digits=min_digits,
    )
    console.print(pause_table(result.rows, head=head, threshold=threshold))
    skipped = ", ".join(f"{n} {code}" for code, n in sorted(result.skipped.items()))
    console.print(
        f"[bold]{result.items}[/] utterances ({result.digit_items} with digit runs)"
        + (f"; left out: {skipped}" if skipped else "")
    )
    for name, path in result.files.items():
        console.print(f"  {name}: {path}")
