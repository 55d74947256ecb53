"""Every ready prepare recipe in recipes/ is a valid recipe: its stages exist and its settings check."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.prepare import load_recipe

RECIPES = sorted((Path(__file__).resolve().parents[2] / "recipes").glob("prepare-*.yaml"))


def test_there_is_one_recipe_per_use_case() -> None:
    names = {path.stem for path in RECIPES}
    assert {
        "prepare-telugu-podcasts",
        "prepare-malaysian-tts",
        "prepare-nordic-tts",
        "prepare-stt-digits",
        "prepare-luxembourgish-kokoro",
    } <= names


@pytest.mark.parametrize("path", RECIPES, ids=lambda path: path.stem)
def test_recipe_validates_and_documents_itself(path: Path) -> None:
    recipe = load_recipe(path)
    assert recipe.stages[0].name == "ingest"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# "), "each recipe says at the top what it is for"
