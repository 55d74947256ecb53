"""Recipe validation: every mistake is reported before any work, with the exact field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.errors import ConfigError
from voxtune.prepare import load_recipe


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_recipe_resolves_paths_against_its_folder(tmp_path: Path) -> None:
    recipe = load_recipe(write(tmp_path, "workers: 2\nstages:\n  - stage: ingest\n    path: raw/\n"))
    assert recipe.settings.workers == 2
    assert recipe.stages[0].name == "ingest"
    assert recipe.stages[0].config.path == (tmp_path / "raw").absolute()
    assert recipe.stages[0].folder_name == "01_ingest"


def test_misspelt_stage_field_is_named_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_recipe(write(tmp_path, "stages:\n  - stage: ingest\n    pth: raw/\n"))
    message = str(caught.value)
    assert "stages[1] (ingest)" in message
    assert "unknown field 'pth' (did you mean 'path'?)" in message
    assert "missing required field 'path'" in message


def test_misspelt_top_level_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown field 'worker' \(did you mean 'workers'\?\)"):
        load_recipe(write(tmp_path, "worker: 2\nstages:\n  - stage: ingest\n    path: raw/\n"))


def test_unknown_stage_suggests_the_nearest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown stage 'ingst' \(did you mean 'ingest'\?\)"):
        load_recipe(write(tmp_path, "stages:\n  - stage: ingst\n    path: raw/\n"))


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = "stages:\n  - stage: ingest\n    path: raw/\n    recursive: maybe\n  - stage: nonsense\n"
    with pytest.raises(ConfigError) as caught:
        load_recipe(write(tmp_path, text))
    message = str(caught.value)
    assert "field 'recursive'" in message and "stages[1]" in message
    assert "unknown stage 'nonsense'" in message and "stages[2]" in message


def test_wrong_type_names_the_field_and_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"field 'workers'.*'many'"):
        load_recipe(write(tmp_path, "workers: many\nstages:\n  - stage: ingest\n    path: raw/\n"))


def test_first_stage_must_read_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="first stage must read input"):
        load_recipe(write(tmp_path, "stages:\n  - stage: test_flaky\n"))


def test_a_source_stage_later_in_the_list_is_refused(tmp_path: Path) -> None:
    text = "stages:\n  - stage: ingest\n    path: a/\n  - stage: ingest\n    path: b/\n"
    with pytest.raises(ConfigError, match="must come first"):
        load_recipe(write(tmp_path, text))


def test_stage_entry_without_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs a 'stage: NAME' key"):
        load_recipe(write(tmp_path, "stages:\n  - path: raw/\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "config file is empty"),
        ("stages: [\n", "not valid YAML at line"),
        ("- just\n- a list\n", "mapping of settings"),
        ("name: x\n", "missing required field 'stages'"),
        ("stages: []\n", "field 'stages'"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_recipe(write(tmp_path, text))


def test_missing_recipe_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_recipe(tmp_path / "nope.yaml")


def test_user_stage_by_import_path(tmp_path: Path) -> None:
    text = "stages:\n  - stage: ingest\n    path: raw/\n  - stage: support.stages:Flaky\n    crash_ids: [a]\n"
    recipe = load_recipe(write(tmp_path, text))
    assert recipe.stages[1].name == "test_flaky"
    assert recipe.stages[1].config.crash_ids == ["a"]


def test_bad_import_path(tmp_path: Path) -> None:
    text = "stages:\n  - stage: ingest\n    path: raw/\n  - stage: support.stages:Missing\n"
    with pytest.raises(ConfigError, match=r"cannot import stage 'support\.stages:Missing'"):
        load_recipe(write(tmp_path, text))
