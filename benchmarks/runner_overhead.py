"""Runner overhead: items per second through a prepare stage that does nothing.

The baseline is the least any runner must do for the same items: read the manifest, rebuild each cut,
serialise it again and write it out, in one process. The ratio shows what chunking, the ledger, resume
bookkeeping and (for 2 workers) process hand-off cost on top.

    python benchmarks/runner_overhead.py [--items 4000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from lhotse.cut import Cut
from rich.console import Console
from rich.table import Table

from voxtune.corpus.manifest import cut_from_dict, read_jsonl, write_jsonl
from voxtune.prepare import ItemStage, load_recipe, register_stage, run_recipe


@register_stage
class NoOp(ItemStage):
    """Returns every cut unchanged."""

    name = "bench_noop"

    def process(self, cut: Cut) -> Cut:
        return cut


def make_inputs(folder: Path, items: int) -> Path:
    """``items`` tiny wav files (0.1 s each): the stage cost is nil, so the runner's shows."""
    audio = folder / "audio"
    audio.mkdir(parents=True)
    tone = (0.1 * np.sin(np.arange(1600) / 5)).astype(np.float32)
    for index in range(items):
        sf.write(str(audio / f"{index:06d}.wav"), tone, 16000)
    return audio


def run_noop(folder: Path, source: Path, workers: int, tag: str) -> float:
    recipe = folder / f"recipe-{tag}.yaml"
    recipe.write_text(
        f"chunk_size: 64\nstages:\n  - stage: ingest\n    path: {source}\n  - stage: __main__:NoOp\n",
        encoding="utf-8",
    )
    loaded = load_recipe(recipe)
    result = run_recipe(loaded, folder / f"corpus-{tag}", workers=workers)
    return result.stages[1].elapsed


def baseline(manifest: Path, out: Path) -> float:
    started = time.perf_counter()
    write_jsonl((cut_from_dict(record).to_dict() for record in read_jsonl(manifest)), out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=4000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = make_inputs(folder, args.items)
        timings = {workers: run_noop(folder, source, workers, f"w{workers}") for workers in (1, 2)}
        manifest = folder / "corpus-w1" / "stages" / "01_ingest" / "cuts.jsonl.gz"
        base = baseline(manifest, folder / "baseline.jsonl.gz")
    table = Table(title=f"prepare runner overhead, {args.items} items, no-op stage")
    for column in ("run", "seconds", "items/s", "vs baseline"):
        table.add_column(column, justify="right" if column != "run" else "left")
    table.add_row("baseline loop (1 process)", f"{base:.2f}", f"{args.items / base:,.0f}", "1.00x")
    for workers, seconds in timings.items():
        table.add_row(
            f"runner, {workers} worker{'s' if workers > 1 else ''}",
            f"{seconds:.2f}",
            f"{args.items / seconds:,.0f}",
            f"{base / seconds:.2f}x",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
