"""`voxtune evaluate EVAL.yaml` (base vs adapters) and `voxtune evaluate codec` (codec round trip).

The group is ``evaluate_app``; other modules add commands to it (``@evaluate_app.command("pause")``).
``voxtune evaluate EVAL.yaml`` is short for ``voxtune evaluate run EVAL.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from voxtune.cli.app import app


class DefaultToRun(TyperGroup):
    """A group whose first argument, when it names no subcommand, is handed to ``run``."""

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


evaluate_app = typer.Typer(
    name="evaluate",
    cls=DefaultToRun,
    help="Evaluate models: `voxtune evaluate EVAL.yaml` compares a base model with its adapters.",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("run")
def run(
    config: Path = typer.Argument(..., help="Evaluation YAML: base model, adapters, corpus, judges, sets."),
) -> None:
    """Synthesise (or transcribe) the test split with the base model and each adapter, score, compare;
    writes OUTPUT/NAME/metrics.json, report.html and samples/."""
    from voxtune.evaluate.suite.config import load_eval_config

    checked = load_eval_config(config)  # a broken config fails before torch and the models load
    from voxtune.evaluate.suite import run_evaluation
    from voxtune.ui.console import console
    from voxtune.ui.evaluation import EvalProgressBars, evaluation_table
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    with EvalProgressBars() as bars:
        result = run_evaluation(checked, progress=bars)
    for set_name in result.table:
        console.print(evaluation_table(result, set_name))
    if result.confusion is not None:
        console.print(f"language confusion accuracy: {result.confusion.accuracy:.1%}")
    for note in result.notes:
        console.print(f"[dim]note:[/] {note}")
    console.print(f"metrics: {result.metrics_path}\nreport:  {result.report_path}")


@evaluate_app.command("codec")
def codec(
    model: str = typer.Option(..., "--model", "-m", help="Codec: a Mimi (or CSM/Moshi) hub id or folder."),
    corpus: Path = typer.Option(..., "--corpus", "-c", help="Prepared corpus whose audio is round-tripped."),
    out: Path = typer.Option(
        Path("eval/codec"), "--out", "-o", help="Folder for codec.json and report.html."
    ),
    split: str | None = typer.Option(None, help="Only items of this split (default: every item)."),
    languages: list[str] = typer.Option([], "--language", "-l", help="Only these languages (repeatable)."),
    per_language: int = typer.Option(20, min=1, help="Items per language."),
    num_quantizers: int | None = typer.Option(None, "--codebooks", help="Codebooks used (the bitrate)."),
    judge: list[str] = typer.Option(
        [], "--judge", help="ASR judge per language, LANG=SPEC (e.g. en=pocketsphinx, *=whisper:MODEL)."
    ),
    mark_words: list[str] = typer.Option(
        [], "--mark", help="Words whose syllables are marked for the energy-dip (stød) check (repeatable)."
    ),
) -> None:
    """Encode and decode target-language audio through a codec and report what survives the trip."""
    from voxtune.evaluate.codec import CodecCheckConfig, run_codec_check
    from voxtune.ui.codec import codec_table
    from voxtune.ui.console import console
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    judges: dict[str, Any] = {}
    for entry in judge:
        language, sep, spec = entry.partition("=")
        if not sep:
            raise typer.BadParameter(f"--judge {entry!r}: write LANG=SPEC")
        judges[language] = spec
    config = CodecCheckConfig(
        model=model,
        corpus=corpus,
        out=out,
        split=split,
        languages=languages or None,
        per_language=per_language,
        num_quantizers=num_quantizers,
        judges=judges,
        mark_words=mark_words,
    )
    result = run_codec_check(config)
    console.print(codec_table(result))
    console.print(f"results: {result.json_path}\nreport:  {result.report_path}")
