"""Text-side throughput: utterances per second through normalise + phonemise, per language.

Per language, the pure functions run on 1 and 2 worker processes; then the whole prepare chain
(ingest + normalise + phonemise through the runner, mixed languages) runs with 1 and 2 workers, so the
runner's share shows next to the work itself (the baseline, measured in the same run).

    python benchmarks/prepare_text.py [--per-language 400]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from rich.console import Console
from rich.table import Table

from voxtune.demo.sentences import LANGUAGE_SENTENCES
from voxtune.prepare import load_recipe, run_recipe
from voxtune.text.g2p import phonemize
from voxtune.text.normalise import normalise
from voxtune.text.words import split_words

NUMBERS = ["1296803", "25", "3.5", "10:30", "2024", "310-555-1234", "7th", "45 %"]


def utterances(language: str, count: int) -> list[str]:
    """Demo sentences with numbers mixed in, so the number rules are exercised too."""
    base = LANGUAGE_SENTENCES[language]
    return [f"{base[i % len(base)].rstrip('.!?')} {NUMBERS[i % len(NUMBERS)]}" for i in range(count)]


def normalise_and_phonemise(job: tuple[str, list[str]]) -> int:
    language, texts = job
    done = 0
    for text in texts:
        try:
            spoken = normalise(text, language).text
        except Exception:  # a rejected sentence still cost the work
            continue
        phonemize([w.text for w in split_words(spoken)], language)
        done += 1
    return done


def timed_pool(language: str, texts: list[str], workers: int) -> float:
    halves = [(language, texts[i::workers]) for i in range(workers)]
    if workers == 1:
        normalise_and_phonemise((language, texts[:20]))  # warm the espeak voice
        started = time.perf_counter()
        normalise_and_phonemise(halves[0])
        return time.perf_counter() - started
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        pool.map(normalise_and_phonemise, [(language, texts[:20])] * workers)  # warm each worker
        started = time.perf_counter()
        pool.map(normalise_and_phonemise, halves)
        return time.perf_counter() - started


def runner_chain(folder: Path, per_language: int, workers: int) -> tuple[int, float]:
    audio = folder / "silence.wav"
    sf.write(str(audio), np.zeros(8000, dtype=np.float32), 16000)
    rows = []
    for language in LANGUAGE_SENTENCES:
        for index, text in enumerate(utterances(language, per_language)):
            rows.append({"id": f"{language}-{index}", "path": str(audio), "text": text, "language": language})
    manifest = folder / "m.jsonl"
    manifest.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    recipe = folder / f"r{workers}.yaml"
    recipe.write_text(
        f"report: false\nchunk_size: 64\nstages:\n  - stage: ingest\n    path: {manifest}\n"
        "  - stage: normalise\n  - stage: phonemise\n    reject: []\n",
        encoding="utf-8",
    )
    result = run_recipe(load_recipe(recipe), folder / f"corpus{workers}", workers=workers)
    seconds = sum(stage.elapsed for stage in result.stages[1:])
    return len(rows), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-language", type=int, default=400)
    args = parser.parse_args()
    table = Table(title=f"normalise + phonemise, {args.per_language} utterances per language")
    for column in ("language", "1 worker utt/s", "2 workers utt/s", "speedup"):
        table.add_column(column, justify="left" if column == "language" else "right")
    for language in LANGUAGE_SENTENCES:
        texts = utterances(language, args.per_language)
        one, two = timed_pool(language, texts, 1), timed_pool(language, texts, 2)
        table.add_row(language, f"{len(texts) / one:,.0f}", f"{len(texts) / two:,.0f}", f"{one / two:.2f}x")
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            count, seconds = runner_chain(Path(tmp), args.per_language // 2, workers)
            table.add_row(
                f"all, via runner ({workers}w)",
                f"{count / seconds:,.0f}" if workers == 1 else "",
                f"{count / seconds:,.0f}" if workers == 2 else "",
                "",
            )
    Console().print(table)


if __name__ == "__main__":
    main()
