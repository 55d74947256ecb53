"""The ingest stage reading trainer formats: options checked with the recipe, defaults, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.errors import ConfigError
from voxtune.prepare import load_recipe, run_recipe


def nemo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "nemo"
    write_tone(folder / "a.wav", 1.0)
    write_tone(folder / "b.wav", 2.0)
    rows = [
        {"audio_filepath": "a.wav", "duration": 1.0, "text": "a"},
        {"audio_filepath": "b.wav", "text": "b", "lang": "sv"},
    ]
    (folder / "train_manifest.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def write_recipe(tmp_path: Path, body: str) -> Path:
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("stages:\n  - stage: ingest\n" + body, encoding="utf-8")
    return recipe


def test_reader_options_are_checked_when_the_recipe_is_read(tmp_path: Path) -> None:
    recipe = write_recipe(tmp_path, "    path: x\n    format: ljspeech\n    options:\n      layot: text\n")
    with pytest.raises(ConfigError, match=r"stages\[1\].*unknown field 'layot' \(did you mean 'layout'\?\)"):
        load_recipe(recipe)
    recipe = write_recipe(tmp_path, "    path: x\n    format: folder\n    options:\n      layout: text\n")
    with pytest.raises(ConfigError, match="'options' are for format readers"):
        load_recipe(recipe)


def test_a_format_source_fills_stage_defaults_and_resumes(tmp_path: Path) -> None:
    folder = nemo_folder(tmp_path)
    recipe = write_recipe(
        tmp_path, f"    path: {folder}\n    format: nemo\n    language: en\n    synthetic: true\n"
    )
    first = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert first.stages[0].status == "ran" and first.items_out == 2
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    assert cuts["a"].supervisions[0].language == "en" and cuts["b"].supervisions[0].language == "sv"
    assert all(cut.custom[fields.SYNTHETIC] for cut in cuts.values())
    assert cuts["b"].duration == pytest.approx(2.0)
    again = run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert again.stages[0].status == "cached"
