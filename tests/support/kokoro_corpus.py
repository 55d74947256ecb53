"""The demo's Luxembourgish items (2 espeak voices x 8 sentences, with word timings) as a prepared
corpus with per-word IPA, for Kokoro family and training tests."""

from __future__ import annotations

import json
from pathlib import Path

from voxtune.prepare import load_recipe, run_recipe


def luxembourgish_corpus(demo_raw: Path, folder: Path) -> Path:
    """Ingest + phonemise (IPA) of the demo corpus's ``lb`` items into ``folder / "corpus"``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        json.loads(line) for line in (demo_raw / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    kept = [
        {**row, "path": str(demo_raw / row["path"])}
        for row in rows
        if row.get("language") == "lb" and row["path"].startswith("audio/")
    ]
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in kept), encoding="utf-8")
    recipe = folder / "recipe.yaml"
    recipe.write_text(
        "report: false\nstages:\n"
        f"  - stage: ingest\n    path: {manifest}\n    synthetic: true\n"
        "  - stage: phonemise\n",
        encoding="utf-8",
    )
    run_recipe(load_recipe(recipe), folder / "corpus")
    return folder / "corpus"
