"""Turning the config's stage list into the plan a run follows: expanded, named, with adapters resolved.

``each_language`` stages expand into one stage per language; each stage learns which adapter it trains
and whether that adapter is new (fresh LoRA on the base), continued, or a copy of an earlier one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from voxtune.errors import ConfigError
from voxtune.text.languages import canonical_language
from voxtune.train.config import DataFilter, MixSource, StageSpec, TrainConfig

DEFAULT_ADAPTER = "main"


@dataclass(frozen=True)
class PlannedStage:
    """One stage as it will run."""

    index: int
    name: str
    filter: DataFilter
    mix: tuple[MixSource, ...] | None
    steps: int
    lr: float
    warmup_steps: int
    loss_weights: dict[str, float]
    token_weights: dict[str, float]
    adapter: str
    start: Literal["new", "continue", "copy"]
    init_from: str | None
    family_overrides: dict[str, Any] = field(default_factory=dict)

    def describe_data(self) -> str:
        text = self.filter.describe()
        if self.mix:
            parts = "; ".join(f"{m.weight:g} x ({m.filter.describe()})" for m in self.mix)
            text += f", mix: {parts}"
        return text


def _expand(spec: StageSpec) -> list[StageSpec]:
    if not spec.each_language:
        return [spec]
    out = []
    for code in spec.each_language:
        lang = canonical_language(code)
        template = spec.adapter or "{language}"
        update = {
            "name": f"{spec.name}-{lang}",
            "filter": spec.filter.model_copy(update={"languages": [lang]}),
            "each_language": None,
            "adapter": template.replace("{language}", lang),
            "init_from": spec.init_from.replace("{language}", lang) if spec.init_from else None,
        }
        out.append(spec.model_copy(update=update))
    return out


def plan_stages(
    config: TrainConfig, *, loss_parts: Sequence[str] = (), token_tags: Sequence[str] = ()
) -> list[PlannedStage]:
    """Expand and check the stages; ConfigError names the stage and what is wrong with it."""
    specs = [expanded for spec in config.stages for expanded in _expand(spec)]
    plan: list[PlannedStage] = []
    seen_names: set[str] = set()
    trained: list[str] = []
    previous: str | None = None
    for index, spec in enumerate(specs):
        where = f"stage '{spec.name}'"
        if spec.name in seen_names:
            raise ConfigError(f"{where}: two stages have this name", hint="Give every stage its own name")
        seen_names.add(spec.name)
        if "{" in spec.name or (spec.adapter and "{" in spec.adapter):
            raise ConfigError(f"{where}: '{{language}}' only works in stages with each_language")
        unknown = set(spec.loss_weights) - set(loss_parts)
        if loss_parts and unknown:
            raise ConfigError(
                f"{where}: unknown loss part(s) {sorted(unknown)} in loss_weights",
                hint=f"This model family's loss parts: {', '.join(loss_parts)}",
            )
        unknown = set(spec.token_weights) - set(token_tags)
        if unknown:
            raise ConfigError(
                f"{where}: unknown tag(s) {sorted(unknown)} in token_weights",
                hint=f"This model family can weight: {', '.join(token_tags) or 'no tags'}",
            )
        adapter = spec.adapter or previous or DEFAULT_ADAPTER
        if spec.init_from is not None:
            if spec.init_from not in trained:
                raise ConfigError(
                    f"{where}: init_from '{spec.init_from}' is not an adapter trained by an earlier stage",
                    hint=f"Adapters trained before it: {', '.join(trained) or 'none'}",
                )
            if adapter in trained:
                raise ConfigError(f"{where}: init_from needs a new adapter name, '{adapter}' already exists")
            start: Literal["new", "continue", "copy"] = "copy"
        else:
            start = "continue" if adapter in trained else "new"
        if config.method == "full" and trained and adapter not in trained:
            raise ConfigError(
                f"{where}: a new adapter '{adapter}' needs method: lora",
                hint="Full fine-tuning trains one set of weights; give every stage the same adapter name",
            )
        plan.append(
            PlannedStage(
                index=index,
                name=spec.name,
                filter=spec.filter,
                mix=tuple(spec.mix) if spec.mix else None,
                steps=spec.steps,
                lr=spec.lr or config.optimizer.lr,
                warmup_steps=config.schedule.warmup_steps if spec.warmup_steps is None else spec.warmup_steps,
                loss_weights=dict(spec.loss_weights),
                token_weights=dict(spec.token_weights),
                adapter=adapter,
                start=start,
                init_from=spec.init_from,
                family_overrides=dict(spec.family),
            )
        )
        if adapter not in trained:
            trained.append(adapter)
        previous = adapter
    return plan
