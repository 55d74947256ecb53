"""Every shipped training, evaluation and serving config validates with the loader its command uses, so a
renamed setting cannot leave a recipe that fails only on a user's machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.evaluate.suite import load_eval_config
from voxtune.serve.config import load_serve_config
from voxtune.train import load_train_config

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
LOADERS = {"eval": load_eval_config, "serve": load_serve_config}


def kind(path: Path) -> str:
    return path.stem.split("-", 1)[0] if path.stem.split("-", 1)[0] in {*LOADERS, "prepare"} else "train"


CONFIGS = sorted(p for p in RECIPES.glob("*.yaml") if kind(p) != "prepare")


def test_every_kind_is_shipped() -> None:
    assert {kind(p) for p in CONFIGS} == {"train", "eval", "serve"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.stem)
def test_shipped_config_loads(path: Path) -> None:
    config = LOADERS.get(kind(path), load_train_config)(path)
    assert config.name if hasattr(config, "name") else config.models


def test_eval_recipe_compares_every_nordic_adapter() -> None:
    config = load_eval_config(RECIPES / "eval-nordic.yaml")
    assert config.confusion is not None and config.confusion.adapters == ["nb", "sv", "da"]
    assert str(config.adapters[0]).endswith("runs/csm-nordic")
