"""A prepare recipe: a YAML list of stages with their settings, validated before any work runs.

```yaml
name: my-corpus
output: corpus/           # relative to this file; `--out` overrides
workers: 2                # local processes (or Ray tasks)
stages:
  - stage: ingest
    path: recordings/
  - stage: standardise
    sample_rate: 24000
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from voxtune.config import RecipePath, StrictModel, load_yaml, validate
from voxtune.errors import ConfigError
from voxtune.prepare.registry import get_stage
from voxtune.prepare.stage import SourceStage, Stage, StageConfig


class RecipeSettings(StrictModel):
    """The top-level settings of a recipe (everything except the stage list's contents)."""

    name: str = "corpus"
    output: RecipePath | None = None
    workers: int = Field(1, ge=1, le=1024)
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    chunk_size: int = Field(32, ge=1, le=100_000)
    seed: int = 0
    report: bool = True
    """Write report.html (plots, rejected items, sample players) when the run ends."""
    report_samples: int = Field(12, ge=0, le=500)
    stages: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True)
class StageSpec:
    """One validated recipe entry."""

    index: int
    stage_class: type[Stage]
    config: StageConfig

    @property
    def name(self) -> str:
        return self.stage_class.name

    @property
    def folder_name(self) -> str:
        return f"{self.index:02d}_{self.name}"


@dataclass(frozen=True)
class Recipe:
    settings: RecipeSettings
    stages: list[StageSpec]
    source_path: Path | None = None

    @property
    def name(self) -> str:
        return self.settings.name

    def as_dict(self) -> dict[str, Any]:
        """The recipe with every default filled in and paths resolved (what actually ran)."""
        data = self.settings.model_dump(mode="json", exclude={"stages"})
        data["stages"] = [{"stage": spec.name, **spec.config.model_dump(mode="json")} for spec in self.stages]
        return data


def load_recipe(path: str | Path) -> Recipe:
    path = Path(path).absolute()
    return parse_recipe(load_yaml(path), base_dir=path.parent, source_path=path)


def parse_recipe(data: dict[str, Any], *, base_dir: Path, source_path: Path | None = None) -> Recipe:
    """Validate a recipe mapping: top-level settings, then each stage against its own config class.

    All problems are collected and reported together, each with its exact field.
    """
    where = source_path.name if source_path else "recipe"
    settings = validate(RecipeSettings, data, where=where, path=source_path, base_dir=base_dir)
    problems: list[str] = []
    specs: list[StageSpec] = []
    for position, entry in enumerate(settings.stages, start=1):
        label = f"stages[{position}]"
        if not isinstance(entry, dict) or "stage" not in entry:
            problems.append(f"{label}: each stage needs a 'stage: NAME' key (got {entry!r})")
            continue
        fields = dict(entry)
        name = str(fields.pop("stage"))
        try:
            stage_class = get_stage(name)
            config = validate(stage_class.config_class, fields, where=f"{label} ({name})", base_dir=base_dir)
        except ConfigError as exc:
            problems.append(exc.what if exc.what.startswith(label) else f"{label}: {exc.what}{_hint(exc)}")
            continue
        specs.append(StageSpec(index=position, stage_class=stage_class, config=config))
    if not problems and not issubclass(specs[0].stage_class, SourceStage):
        problems.append(f"stages[1]: the first stage must read input (e.g. 'ingest'), not '{specs[0].name}'")
    for spec in specs[1:]:
        if issubclass(spec.stage_class, SourceStage):
            problems.append(f"stages[{spec.index}]: '{spec.name}' reads input, so it must come first")
    if problems:
        raise ConfigError(
            f"{where}: " + "; ".join(problems), path=source_path, hint="Fix the stage(s) named and run again"
        )
    return Recipe(settings=settings, stages=specs, source_path=source_path)


def _hint(exc: ConfigError) -> str:
    return f" ({exc.hint})" if exc.hint else ""
