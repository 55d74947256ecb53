"""Model families by name, and detecting a model's family from its config.json.

Built-in families are imported on first use, so `voxtune --help` does not import torch models.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from voxtune.errors import InputError
from voxtune.models.base import ModelFamily

_BUILTIN: dict[str, str] = {
    "csm": "voxtune.models.csm.family",
    "kokoro": "voxtune.models.kokoro.family",
    "kyutai_stt": "voxtune.models.kyutai_stt.family",
    "moshi": "voxtune.models.moshi.family",
}
_FAMILIES: dict[str, type[ModelFamily]] = {}


def register_family(cls: type[ModelFamily]) -> type[ModelFamily]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    _FAMILIES[cls.name] = cls
    return cls


def _load_builtins() -> None:
    for name, module in _BUILTIN.items():
        if name not in _FAMILIES:
            importlib.import_module(module)


def available_families() -> dict[str, type[ModelFamily]]:
    _load_builtins()
    return dict(sorted(_FAMILIES.items()))


def get_family(name: str) -> ModelFamily:
    """An instance of the family called ``name``; InputError listing the known ones otherwise."""
    families = available_families()
    if name not in families:
        raise InputError(
            f"unknown model family '{name}'", hint=f"Known families: {', '.join(families) or 'none'}"
        )
    return families[name]()


def family_for_model_type(model_type: str) -> ModelFamily | None:
    for cls in available_families().values():
        if model_type in cls.model_types:
            return cls()
    return None


def detect_family(reference: str | Path, revision: str | None = None) -> ModelFamily:
    """The family of the model at ``reference`` (folder or hub id), from config.json's model_type."""
    from voxtune.models.source import resolve_model

    source, config = resolve_model(reference, revision)
    model_type = str(config.get("model_type", ""))
    family = family_for_model_type(model_type)
    if family is None:
        known = ", ".join(f"{n} ({', '.join(c.model_types)})" for n, c in available_families().items())
        raise InputError(
            f"model '{reference}' is a '{model_type or 'unknown'}' model, which no voxtune family handles",
            path=source.local_path,
            hint=f"Families and their model types: {known}",
        )
    return family


def check_family(family: ModelFamily, reference: str | Path, revision: str | None = None) -> None:
    """Raise InputError when ``reference`` is not a model of ``family`` (wrong folder or hub id)."""
    from voxtune.models.source import resolve_model

    source, config = resolve_model(reference, revision)
    model_type = str(config.get("model_type", ""))
    if model_type not in family.model_types:
        raise InputError(
            f"model '{reference}' is a '{model_type or 'unknown'}' model, not a {family.name} model "
            f"(expected model_type {' or '.join(family.model_types)})",
            path=source.local_path,
            hint=f"Point at a {family.name} model, or set model.family to the right family",
        )
