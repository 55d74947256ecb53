"""The demo recipe as shipped: it validates, keeps the manifest's transcripts, and documents Whisper."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from voxtune.prepare import parse_recipe


def recipe_text() -> str:
    return resources.files("voxtune.demo").joinpath("recipe.yaml").read_text(encoding="utf-8")


def test_transcribe_follows_ingest_with_the_existing_backend(tmp_path: Path) -> None:
    recipe = parse_recipe(yaml.safe_load(recipe_text()), base_dir=tmp_path)
    names = [spec.name for spec in recipe.stages]
    assert names[:2] == ["ingest", "transcribe"]
    assert recipe.stages[1].config.backend == "existing"


def test_the_documented_switch_to_whisper_is_a_valid_recipe(tmp_path: Path) -> None:
    """Uncommenting the Whisper lines (and dropping the existing backend) gives a recipe that validates."""
    lines = []
    for line in recipe_text().splitlines():
        if line.strip() == "backend: existing":
            continue
        if line.startswith("    #   "):
            line = "    " + line[len("    #   ") :]
        lines.append(line)
    recipe = parse_recipe(yaml.safe_load("\n".join(lines)), base_dir=tmp_path)
    config = recipe.stages[1].config
    assert (config.backend, config.model, config.language) == (
        "whisper",
        "openai/whisper-large-v3-turbo",
        "auto",
    )
    assert config.keep_existing is True and config.min_language_probability == 0.5
