"""`voxtune prompts`, `voxtune record` and `voxtune synthesize`: data for when there is none."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def prompts(
    goal: str = typer.Argument(..., help="digits (dictated numbers), particles, or balanced (from --text)."),
    language: str = typer.Option(
        ..., "--language", "-l", help="Language code (en, te, ms, nb, sv, da, lb, ...)."
    ),
    out: Path = typer.Option(Path("prompts.jsonl"), "--out", "-o", help="Script file to write (JSON lines)."),
    count: int = typer.Option(50, "--count", "-n", min=1, help="How many prompts."),
    text: Path | None = typer.Option(None, "--text", help="Your text, one sentence per line (balanced)."),
    kinds: str = typer.Option(
        "order_number,location_code,phone_number", help="Number kinds for 'digits', comma-separated."
    ),
    seed: int = typer.Option(0, help="Seed of the digit and sentence choices."),
) -> None:
    """Write a recording script: display text and spoken form for each prompt."""
    from rich.table import Table

    from voxtune.corpus.ledger import write_ledger
    from voxtune.prompts import generate_prompts, write_script
    from voxtune.ui.console import console

    chosen = tuple(kind.strip() for kind in kinds.split(",") if kind.strip())
    script = generate_prompts(goal, language, count, seed=seed, text_file=text, kinds=chosen)
    write_script(script.prompts, out)
    table = Table(title=f"{goal} prompts ({script.language})", title_justify="left")
    table.add_column("id")
    table.add_column("display")
    table.add_column("spoken", overflow="fold")
    for prompt in script.prompts[:8]:
        table.add_row(prompt.id, prompt.text, prompt.spoken)
    if len(script.prompts) > 8:
        table.add_row("…", f"{len(script.prompts) - 8} more", "")
    console.print(table)
    for line in script.coverage:
        console.print(f"  {line}")
    if script.rejected:
        ledger = out.with_name(out.stem + ".rejected.jsonl")
        write_ledger(script.rejected, ledger)
        console.print(f"[yellow]{len(script.rejected)} lines refused[/] (reasons in {ledger})")
    console.print(f"[bold green]script[/] {out}  ·  {len(script.prompts)} prompts")


@app.command()
def record(
    prompts_file: Path = typer.Argument(..., help="Prompt script (.jsonl from `voxtune prompts`) or .txt."),
    out: Path = typer.Option(..., "--out", "-o", help="Corpus folder the recordings go into."),
    speaker: str = typer.Option(..., "--speaker", "-s", help="Name of the person recording."),
    language: str | None = typer.Option(None, "--language", "-l", help="Language of a .txt prompt file."),
    session: str | None = typer.Option(None, help="Session name (default: the date and time)."),
    host: str = typer.Option(
        "127.0.0.1", help="Address to serve on (browsers allow the microphone on localhost)."
    ),
    port: int = typer.Option(8765, min=1, max=65535, help="Port to serve on."),
    sample_rate: int = typer.Option(24000, help="Sample rate of the saved WAV files."),
) -> None:
    """Record prompts in the browser: one prompt at a time, keyboard-driven, saved as a corpus."""
    from voxtune.prompts import load_prompts
    from voxtune.record import RecordingStudio, serve
    from voxtune.record.server import LOCAL_HOSTS
    from voxtune.ui.console import console

    loaded = load_prompts(prompts_file, language)
    for rejection in loaded.rejected:
        console.print(f"[yellow]skipped[/] {rejection.source}: {rejection.reason}")
    studio = RecordingStudio(loaded.prompts, out, speaker, session, sample_rate=sample_rate)
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/"
    console.print(f"[bold]voxtune record[/]  ·  speaker {studio.speaker}  ·  session {studio.session}")
    console.print(f"  {len(loaded.prompts)} prompts, {len(studio.recorded())} recorded already")
    console.print(f"  open [bold]{url}[/] in Chrome, Firefox or Safari; press Ctrl+C here when done")
    if host not in LOCAL_HOSTS:
        console.print(
            "[yellow]note[/]: browsers allow the microphone only on localhost or https; from another "
            "machine, tunnel the port (ssh -L) and open it as localhost"
        )
    serve(studio, host=host, port=port)
    console.print(
        f"[bold green]recordings[/] {studio.folder}  ·  {len(studio.recorded())} of {len(loaded.prompts)} "
        f"prompts  ·  `voxtune prepare {studio.folder / 'recipe.yaml'} --out CORPUS` ingests them"
    )


@app.command()
def synthesize(
    texts: Path = typer.Argument(..., help="Texts to voice: .txt (one per line) or a prompt script .jsonl."),
    language: str = typer.Option(..., "--language", "-l", help="Language of the texts."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the synthetic corpus."),
    speakers: int = typer.Option(4, min=1, help="How many different voices."),
    per_line: int = typer.Option(1, min=1, help="How many voices say each text."),
    speed_jitter: float = typer.Option(0.08, help="Pace varies by up to ± this fraction per utterance."),
    pitch_jitter: float = typer.Option(1.0, help="Pitch varies by up to ± this many semitones."),
    sample_rate: int | None = typer.Option(None, help="Resample to this rate (default: the voice's own)."),
    voice: str = typer.Option("espeak", help="Voice source."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="Parallel worker processes."),
    seed: int = typer.Option(0, help="Seed of the variation."),
) -> None:
    """Make a synthetic corpus (marked synthetic) from texts with several voices."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from voxtune.config import validate
    from voxtune.prompts import load_prompts
    from voxtune.synth.corpus import SynthesisSettings, synthesize_corpus
    from voxtune.synth.voices import voice_source
    from voxtune.text.languages import canonical_language
    from voxtune.ui.console import console, hours

    code = canonical_language(language)
    settings = validate(
        SynthesisSettings,
        {
            "language": code,
            "speakers": speakers,
            "per_line": per_line,
            "speed_jitter": speed_jitter,
            "pitch_jitter": pitch_jitter,
            "sample_rate": sample_rate,
            "seed": seed,
        },
        where="voxtune synthesize",
    )
    source = voice_source(voice)
    loaded = load_prompts(texts, code)
    progress = Progress(
        TextColumn("[bold]synthesize"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    with progress:
        task = progress.add_task("synthesize", total=len(loaded.prompts) * per_line)
        result = synthesize_corpus(
            loaded.prompts,
            out,
            settings,
            source=source,
            rejected=loaded.rejected,
            workers=workers,
            progress=lambda done: progress.advance(task, done),
        )
    for rejection in result.rejected[:10]:
        console.print(f"[yellow]refused[/] {rejection.source or rejection.id}: {rejection.reason}")
    console.print(
        f"[bold green]synthetic corpus[/] {result.folder}  ·  {result.items} utterances, "
        f"{hours(result.seconds)}, {len(result.speakers)} voices  ·  "
        f"{len(result.rejected)} refused (see rejected.jsonl)"
    )
    console.print(f"  next: voxtune prepare {result.folder / 'recipe.yaml'} --out CORPUS")
