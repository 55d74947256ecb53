"""A tiny random Kokoro and the demo's Luxembourgish items as a prepared corpus, for Kokoro tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voxtune.prepare import load_recipe, run_recipe


def luxembourgish_corpus(demo_raw: Path, folder: Path) -> Path:
    """Ingest + phonemise (IPA) of the demo corpus's ``lb`` items (2 espeak voices x 8 sentences, with
    word timings) into ``folder / "corpus"``."""
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


def link_tree(source: Path, target: Path) -> Path:
    """A copy of ``source`` made of hard links (a model folder without copying its weights)."""
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.hardlink_to(path)
    return target


# -- fixtures (imported by the conftest of tests/models/kokoro and tests/demo) ------------------------


@pytest.fixture(scope="session")
def tiny_kokoro_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Kokoro in Kokoro's own layout, with two voices, built once per session."""
    from voxtune.models.kokoro.tiny import build_tiny_kokoro

    folder = tmp_path_factory.mktemp("tiny-kokoro") / "model"
    return build_tiny_kokoro(folder, seed=0, voices=("tiny_a", "tiny_b"))


@pytest.fixture(scope="session")
def lb_corpus(demo_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return luxembourgish_corpus(demo_raw, tmp_path_factory.mktemp("lb-corpus"))
