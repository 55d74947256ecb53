"""Training configs and stage plans: expansion per language, which adapter each stage trains, and the
mistakes a config can make, each named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from voxtune.errors import ConfigError
from voxtune.train.config import TrainConfig, load_train_config
from voxtune.train.stages import plan_stages

REPO = Path(__file__).resolve().parents[2]
BASE = {"name": "t", "model": {"base": "sesame/csm-1b"}, "corpus": "corpus"}


def config(stages: list[dict], **extra) -> TrainConfig:
    return TrainConfig.model_validate({**BASE, **extra, "stages": stages}, context={"base_dir": "/tmp"})


def test_curriculum_continues_one_adapter_and_per_language_stages_expand() -> None:
    plan = plan_stages(
        config(
            [
                {"name": "base", "steps": 10, "adapter": "multi"},
                {"name": "more", "steps": 5, "lr": 1e-5},
                {"name": "lang", "each_language": ["no", "sv"], "init_from": "multi", "steps": 3},
                {"name": "nb-again", "adapter": "nb", "steps": 2},
            ],
            optimizer={"lr": 2e-4},
        ),
        loss_parts=("backbone", "depth"),
    )
    assert [(p.name, p.adapter, p.start) for p in plan] == [
        ("base", "multi", "new"),
        ("more", "multi", "continue"),
        ("lang-nb", "nb", "copy"),
        ("lang-sv", "sv", "copy"),
        ("nb-again", "nb", "continue"),
    ]
    assert [p.lr for p in plan] == [2e-4, 1e-5, 2e-4, 2e-4, 2e-4]
    assert plan[2].filter.languages == ["nb"] and plan[2].init_from == "multi"
    assert [p.index for p in plan] == [0, 1, 2, 3, 4]


def test_first_stage_without_adapter_trains_main() -> None:
    assert plan_stages(config([{"name": "a", "steps": 1}]))[0].adapter == "main"


@pytest.mark.parametrize(
    ("stages", "extra", "message"),
    [
        ([{"name": "a", "steps": 1}, {"name": "a", "steps": 1}], {}, "two stages have this name"),
        ([{"name": "a", "steps": 1, "init_from": "x"}], {}, "init_from 'x' is not an adapter"),
        ([{"name": "a", "steps": 1, "loss_weights": {"text": 1.0}}], {}, "unknown loss part"),
        ([{"name": "a", "steps": 1, "token_weights": {"emotion": 2.0}}], {}, "unknown tag"),
        (
            [{"name": "a", "steps": 1, "adapter": "x"}, {"name": "b", "steps": 1, "adapter": "y"}],
            {"method": "full"},
            "needs method: lora",
        ),
        ([{"name": "a", "steps": 1, "adapter": "{language}"}], {}, "only works in stages with each_language"),
    ],
)
def test_plan_errors_name_the_stage(stages: list[dict], extra: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        plan_stages(config(stages, **extra), loss_parts=("backbone", "depth"), token_tags=("particle",))
    assert "stage 'a'" in str(error.value) or "stage 'b'" in str(error.value)


def test_yaml_typos_are_named_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    data = {**BASE, "optimiser": {"lr": 1}, "stages": [{"name": "a", "stpes": 3}]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_train_config(path)
    assert "did you mean 'optimizer'" in str(error.value)
    assert "unknown field 'stages.0.stpes'" in str(error.value) and str(path) in str(error.value)


def test_paths_resolve_beside_the_yaml_and_local_models_win_over_hub_ids(tmp_path: Path) -> None:
    (tmp_path / "models" / "tiny").mkdir(parents=True)
    path = tmp_path / "train.yaml"
    data = {**BASE, "model": {"base": "models/tiny"}, "stages": [{"name": "a", "steps": 1}]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    loaded = load_train_config(path)
    assert loaded.model.base == str(tmp_path / "models" / "tiny")
    assert loaded.corpus == tmp_path / "corpus" and loaded.output == tmp_path / "runs"
    data["model"]["base"] = "sesame/csm-1b"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_train_config(path).model.base == "sesame/csm-1b"
    data["model"]["base"] = "tiny-csm"  # not built yet, but no hub id has no owner
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert load_train_config(path).model.base == str(tmp_path / "tiny-csm")


@pytest.mark.parametrize("name", ["csm-malaysian", "csm-nordic", "csm-demo-tiny"])
def test_ready_recipes_are_valid(name: str) -> None:
    recipe = load_train_config(REPO / "recipes" / f"{name}.yaml")
    plan = plan_stages(recipe, loss_parts=("backbone", "depth"), token_tags=("particle",))
    assert plan
    if name != "csm-demo-tiny":
        assert recipe.model.base == "sesame/csm-1b"
    if name == "csm-nordic":
        assert [p.adapter for p in plan] == ["nb", "sv", "da"] and recipe.family["language_tag"]
    if name == "csm-malaysian":
        assert [p.name for p in plan] == ["single-language", "code-switching", "particles", "extra-speakers"]
        assert {p.adapter for p in plan} == {"manglish"}


def test_the_demo_recipe_matches_the_config_the_demo_writes() -> None:
    from importlib import resources

    packaged = yaml.safe_load(
        resources.files("voxtune.demo").joinpath("train.yaml").read_text(encoding="utf-8")
    )
    recipe = yaml.safe_load((REPO / "recipes" / "csm-demo-tiny.yaml").read_text(encoding="utf-8"))
    paths = {"model", "corpus", "output", "codec_cache"}
    assert {k: v for k, v in packaged.items() if k not in paths} == {
        k: v for k, v in recipe.items() if k not in paths
    }
