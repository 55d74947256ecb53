"""The shipped Kyutai recipes: the digits recipe runs end to end on a tiny model; the Moshi one validates."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import REPO
from voxtune.models.moshi.settings import MoshiSettings
from voxtune.train import load_train_config, run_training
from voxtune.train.stages import plan_stages


def test_the_digits_recipe_runs_on_a_tiny_model(
    tmp_path: Path, tiny_stt: Path, dictation_dir: Path, kyutai_codes
):
    recipe = yaml.safe_load((REPO / "recipes" / "stt-digits.yaml").read_text(encoding="utf-8"))
    assert recipe["model"]["base"] == "kyutai/stt-1b-en_fr-trfs"
    assert recipe["lora"]["r"] == 128 and recipe["lora"]["alpha"] / recipe["lora"]["r"] == 2
    # the same recipe with a tiny model and corpus, few steps, on this CPU
    recipe["model"]["base"] = str(tiny_stt)
    recipe.update(
        corpus=str(dictation_dir),
        output=str(tmp_path / "runs"),
        codec_cache=str(kyutai_codes),
        precision="fp32",
    )
    recipe["stages"][0]["steps"] = 4
    recipe["eval"] = {"every": 2, "max_items": 4}
    path = tmp_path / "stt-digits.yaml"
    path.write_text(yaml.safe_dump(recipe), encoding="utf-8")
    result = run_training(path)
    stage = result.stages[0]
    assert stage.steps == 4 and stage.val_items == 6 and "nll" in stage.val
    assert Path(stage.adapter_dir, "adapter_model.safetensors").is_file()


def test_the_moshi_recipe_plans_language_then_speakers_then_emotions():
    config = load_train_config(REPO / "recipes" / "moshi-telugu.yaml")
    plan = plan_stages(config, loss_parts=("text", "audio"))
    assert [(s.name, s.adapter, s.start) for s in plan] == [
        ("language", "telugu", "new"),
        ("speakers", "telugu", "continue"),
        ("emotions", "telugu", "continue"),
    ]
    controls = [MoshiSettings.model_validate({**config.family, **s.family_overrides}).control for s in plan]
    assert controls == [[], ["speaker"], ["speaker", "emotion"]]
