"""Stages register by name so recipes can list them; ``package.module:Class`` loads a user's own."""

from __future__ import annotations

import difflib
import importlib

from voxtune.errors import ConfigError
from voxtune.prepare.stage import Stage

_STAGES: dict[str, type[Stage]] = {}


def register_stage(cls: type[Stage]) -> type[Stage]:
    """Class decorator adding a stage under its ``name``."""
    existing = _STAGES.get(cls.name)
    if existing is not None and existing is not cls:
        raise ValueError(f"stage name '{cls.name}' is taken by {existing.__module__}.{existing.__qualname__}")
    _STAGES[cls.name] = cls
    return cls


def _load_builtin_stages() -> None:
    importlib.import_module("voxtune.prepare.stages")


def available_stages() -> dict[str, type[Stage]]:
    _load_builtin_stages()
    return dict(sorted(_STAGES.items()))


def get_stage(name: str) -> type[Stage]:
    """The stage class for a recipe name, or a ConfigError listing the known ones."""
    if ":" in name:
        return _import_stage(name)
    stages = available_stages()
    if name in stages:
        return stages[name]
    close = difflib.get_close_matches(name, list(stages), n=1)
    suggestion = f" (did you mean '{close[0]}'?)" if close else ""
    raise ConfigError(
        f"unknown stage '{name}'{suggestion}",
        hint=f"Known stages: {', '.join(stages)}; or give your own as 'package.module:ClassName'",
    )


def _import_stage(spec: str) -> type[Stage]:
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        cls = getattr(module, class_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot import stage '{spec}': {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Stage)):
        raise ConfigError(f"'{spec}' is not a voxtune Stage subclass")
    return cls
