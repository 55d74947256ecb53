"""`voxtune prepare`: a recipe of stages turning raw audio into a clean, labelled corpus."""

from voxtune.prepare.recipe import Recipe, load_recipe, parse_recipe
from voxtune.prepare.registry import available_stages, get_stage, register_stage
from voxtune.prepare.runner import PrepareResult, StageReport, run_recipe
from voxtune.prepare.stage import (
    CorpusStage,
    ItemStage,
    SourceStage,
    Stage,
    StageConfig,
    StageContext,
)

__all__ = [
    "CorpusStage",
    "ItemStage",
    "PrepareResult",
    "Recipe",
    "SourceStage",
    "Stage",
    "StageConfig",
    "StageContext",
    "StageReport",
    "available_stages",
    "get_stage",
    "load_recipe",
    "parse_recipe",
    "register_stage",
    "run_recipe",
]
