"""The steps `voxtune demo` runs, in order; each later part of voxtune adds its step here.

A step reads what earlier steps wrote (through the context) and returns one summary line and the paths
of its outputs, which the demo prints at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from voxtune.corpus.manifest import read_json, write_json


@dataclass
class StepResult:
    step: str
    summary: str
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class DemoContext:
    out: Path
    workers: int
    seed: int
    console: Console
    results: dict[str, StepResult] = field(default_factory=dict)

    @property
    def raw_dir(self) -> Path:
        return self.out / "raw"

    @property
    def corpus_dir(self) -> Path:
        return self.out / "corpus"

    @property
    def recipe_path(self) -> Path:
        return self.out / "recipe.yaml"

    @property
    def exports_dir(self) -> Path:
        return self.out / "exports"


DemoStep = Callable[[DemoContext], StepResult]


def generate_corpus(ctx: DemoContext) -> StepResult:
    """Synthesise the raw demo corpus with espeak-ng (skipped when the same seed already made it)."""
    from voxtune.demo.corpus import MANIFEST, build_demo_corpus

    marker = ctx.raw_dir / "seed.json"
    manifest = ctx.raw_dir / MANIFEST
    if not (marker.is_file() and manifest.is_file() and read_json(marker) == {"seed": ctx.seed}):
        build_demo_corpus(ctx.raw_dir, seed=ctx.seed)
        write_json({"seed": ctx.seed}, marker)
    rows = sum(1 for _ in manifest.open(encoding="utf-8"))
    return StepResult("corpus", f"{rows} recordings in 7 languages (espeak-ng)", {"raw audio": ctx.raw_dir})


def prepare_corpus(ctx: DemoContext) -> StepResult:
    """Run the demo recipe (written next to the corpus so users can read and edit it)."""
    from voxtune.cli.prepare import print_prepare_summary
    from voxtune.prepare import load_recipe, run_recipe
    from voxtune.ui.progress import StageProgress

    if not ctx.recipe_path.is_file():
        template = resources.files("voxtune.demo").joinpath("recipe.yaml").read_text(encoding="utf-8")
        ctx.recipe_path.write_text(template, encoding="utf-8")
    recipe = load_recipe(ctx.recipe_path)
    with StageProgress() as progress:
        result = run_recipe(recipe, ctx.corpus_dir, workers=ctx.workers, progress=progress)
    print_prepare_summary(result)
    return StepResult(
        "prepare",
        f"{result.items_out} items ({result.hours_out * 60:.1f} min), {result.rejected} rejected",
        {"corpus": ctx.corpus_dir, "ledger": ctx.corpus_dir / "rejected.jsonl", "recipe": ctx.recipe_path},
    )


DEMO_EXPORTS: list[tuple[str, dict[str, object]]] = [
    ("hf", {}),  # CSM / Unsloth TTS training
    ("moshi", {"mode": "stt"}),  # Kyutai STT fine-tuning (moshi-finetune, mono)
]


def export_for_training(ctx: DemoContext) -> StepResult:
    """Export the corpus to the formats the training steps read (redone only when the corpus changed)."""
    import shutil

    from voxtune.corpus import Corpus
    from voxtune.formats import SUMMARY_FILE, export_corpus
    from voxtune.formats.export import corpus_digest
    from voxtune.ui.tables import export_table

    corpus = Corpus.open(ctx.corpus_dir)
    digest = corpus_digest(corpus)
    parts: list[str] = []
    outputs: dict[str, Path] = {}
    for format_name, options in DEMO_EXPORTS:
        folder = ctx.exports_dir / format_name
        summary_path = folder / SUMMARY_FILE
        previous = read_json(summary_path) if summary_path.is_file() else {}
        if previous.get("corpus_cuts_sha256") == digest and all(
            previous.get("options", {}).get(key) == value for key, value in options.items()
        ):
            parts.append(f"{format_name}: {previous['items']} items (cached)")
        else:
            shutil.rmtree(folder, ignore_errors=True)  # the demo's own folder, made by an earlier run
            result = export_corpus(corpus, format_name, folder, options=options)
            ctx.console.print(export_table(result))
            parts.append(f"{format_name}: {result.items} items, {result.rejected} left out")
        outputs[f"{format_name} export"] = folder
    return StepResult("export", "; ".join(parts), outputs)


def train_tiny_model(ctx: DemoContext) -> StepResult:
    """Build a tiny random CSM and train it on the corpus: a multilingual adapter, then nb and sv ones."""
    import shutil

    import torch

    from voxtune.demo.tiny_model import build_demo_model
    from voxtune.train import load_train_config, run_training
    from voxtune.ui.training import TrainProgressBars, entropy_line, quiet_transformers, train_table

    quiet_transformers()
    config_path = ctx.out / "train.yaml"
    if not config_path.is_file():
        template = resources.files("voxtune.demo").joinpath("train.yaml").read_text(encoding="utf-8")
        config_path.write_text(template, encoding="utf-8")
    config = load_train_config(config_path)
    if config.cpu_threads:  # building the tiny codec is as thread-shy as training it
        torch.set_num_threads(config.cpu_threads)
    model_dir, built = build_demo_model(ctx.corpus_dir, ctx.out / "tiny-csm", seed=ctx.seed)
    if built:  # a run on an earlier tiny model cannot be resumed on this one
        shutil.rmtree(Path(config.output) / config.name, ignore_errors=True)
    with TrainProgressBars() as bars:
        result = run_training(config, resume=True, progress=bars)
    ctx.console.print(train_table(result))
    first = result.stages[0]
    return StepResult(
        "train",
        f"{len(result.stages)} stages, adapters {', '.join(result.adapters)}; "
        f"{first.stage}: {entropy_line(first)}",
        {"run": result.run_dir, "tiny model": model_dir, "training config": config_path},
    )


def train_tiny_kokoro(ctx: DemoContext) -> StepResult:
    """Tiny Kokoro: LoRA on the Luxembourgish items, merged into Kokoro's own layout, spoken by KModel."""
    from voxtune.demo.kokoro import train_export_speak
    from voxtune.ui.training import quiet_transformers, train_table

    quiet_transformers()
    result, exported, sample, seconds = train_export_speak(ctx.out, seed=ctx.seed)
    ctx.console.print(train_table(result))
    stage = result.stages[-1]
    return StepResult(
        "kokoro",
        f"{stage.steps} LoRA steps on {stage.train_items} lb items, loss {stage.train_loss:.2f}; "
        f"KModel spoke {seconds:.1f} s from the export",
        {"kokoro run": result.run_dir, "kokoro export": exported, "kokoro sample": sample},
    )


def train_tiny_stt(ctx: DemoContext) -> StepResult:
    """Tiny Kyutai STT: write the English digit sentences as words, merge, export kyutai's naming, and
    probe the pause heads base vs adapter on digit and ordinary utterances."""
    from voxtune.demo.stt import train_merge_probe
    from voxtune.ui.pause_probe import pause_table
    from voxtune.ui.training import entropy_line, quiet_transformers, train_table

    quiet_transformers()
    model_dir, trained, merged, probe = train_merge_probe(ctx.out, ctx.corpus_dir, seed=ctx.seed)
    ctx.console.print(train_table(trained))
    ctx.console.print(pause_table(probe.rows, head=2, threshold=0.6))
    stage = trained.stages[-1]
    return StepResult(
        "stt",
        f"{stage.stage}: {entropy_line(stage)}; merged to transformers + kyutai naming; "
        f"pause probe on {probe.items} utterances ({probe.digit_items} with digit runs)",
        {
            "tiny STT": model_dir,
            "STT run": trained.run_dir,
            "merged STT": merged.outputs["kyutai"][0].parent.parent,
            "pause plot": probe.files["plot"],
        },
    )


def evaluate_tiny_model(ctx: DemoContext) -> StepResult:
    """Evaluate the trained adapters against the tiny base: test split, regression set, confusion."""
    from voxtune.demo.sentences import LANGUAGE_SENTENCES
    from voxtune.demo.tiny_judges import build_demo_language_id
    from voxtune.evaluate.suite import load_eval_config, run_evaluation
    from voxtune.ui.evaluation import EvalProgressBars, evaluation_table, headline

    config_path = ctx.out / "eval.yaml"
    if not config_path.is_file():
        template = resources.files("voxtune.demo").joinpath("eval.yaml").read_text(encoding="utf-8")
        config_path.write_text(template, encoding="utf-8")
    build_demo_language_id(ctx.out / "tiny-lid", sorted(LANGUAGE_SENTENCES), seed=ctx.seed)
    config = load_eval_config(config_path)
    with EvalProgressBars() as bars:
        result = run_evaluation(config, progress=bars)
    for set_name in result.table:
        ctx.console.print(evaluation_table(result, set_name))
    return StepResult(
        "evaluate",
        headline(result),
        {"report": result.report_path, "metrics": result.metrics_path, "evaluation config": config_path},
    )


def serve_adapters(ctx: DemoContext) -> StepResult:
    """Serve the tiny CSM and STT with their adapters over HTTP, call each adapter once, stop the server."""
    from voxtune.demo.serving import call_each_adapter
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    url, parts, served, config_path = call_each_adapter(ctx.out, ctx.corpus_dir)
    return StepResult(
        "serve",
        f"{len(parts)} adapters on 2 bases over HTTP at {url}: " + "; ".join(parts),
        {"served audio and text": served, "serving config": config_path},
    )


STEPS: list[tuple[str, DemoStep]] = [
    ("corpus", generate_corpus),
    ("prepare", prepare_corpus),
    ("export", export_for_training),
    ("train", train_tiny_model),
    ("kokoro", train_tiny_kokoro),
    ("stt", train_tiny_stt),
    ("evaluate", evaluate_tiny_model),
    ("serve", serve_adapters),
]


def run_demo(
    out: str | Path, *, workers: int = 2, seed: int = 0, console: Console | None = None
) -> list[StepResult]:
    """Run every demo step in order into ``out``; re-running reuses finished work."""
    ctx = DemoContext(out=Path(out).absolute(), workers=workers, seed=seed, console=console or Console())
    ctx.out.mkdir(parents=True, exist_ok=True)
    for name, step in STEPS:
        ctx.console.rule(f"[bold]demo · {name}")
        started = time.perf_counter()
        result = step(ctx)
        result.seconds = time.perf_counter() - started
        ctx.results[name] = result
    return list(ctx.results.values())


def summary_table(results: list[StepResult]) -> Table:
    table = Table(title="voxtune demo", title_justify="left")
    table.add_column("step")
    table.add_column("result")
    table.add_column("time", justify="right")
    table.add_column("outputs", overflow="fold")
    for result in results:
        outputs = "\n".join(f"{label}: {path}" for label, path in result.outputs.items())
        table.add_row(result.step, result.summary, f"{result.seconds:.1f} s", outputs)
    return table
