"""Where a model a recipe names lives: a Hugging Face hub id or a local folder.

A recipe may say ``model: openai/whisper-large-v3`` or ``model: ../models/whisper-te``. A value that
exists on disk (relative to the recipe), or that can only be a path (starts with ``/``, ``.`` or
``~``), is a folder and is made absolute; anything else shaped like ``owner/name`` is a hub id. Local
folders are checked when the recipe is read, so a wrong path fails before any item runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


def resolve_model_reference(value: str, base_dir: str | Path | None = None) -> str:
    """An absolute folder path for a local model, or the hub id unchanged; ValueError for neither."""
    text = value.strip()
    if not text:
        raise ValueError("the model name is empty")
    path = Path(text).expanduser()
    candidate = Path(base_dir) / path if base_dir is not None and not path.is_absolute() else path
    looks_like_path = text.startswith(("/", ".", "~")) or "\\" in text or text.count("/") > 1
    if candidate.exists() or looks_like_path:
        return str(candidate.absolute())
    if HUB_ID.match(text):
        return text
    raise ValueError(f"'{text}' is neither an existing folder nor a hub id like owner/name")


def is_local(reference: str) -> bool:
    """Whether a resolved reference is a folder (hub ids are never absolute paths)."""
    return Path(reference).is_absolute()


def check_model_folder(
    reference: str,
    *,
    model_types: Collection[str] = (),
    architectures: Collection[str] = (),
    required_files: Collection[str] = (),
) -> None:
    """For a local folder, raise ValueError saying what is wrong with it; hub ids pass unchecked.

    ``model_types`` are the accepted ``model_type`` values of its ``config.json`` and
    ``architectures`` accepted endings of the class it was saved from (``ForAudioClassification``);
    ``required_files`` must exist in it (``model.bin`` for CTranslate2).
    """
    if not is_local(reference):
        return
    path = Path(reference)
    if not path.exists():
        raise ValueError(f"model folder not found: {path}")
    if not path.is_dir():
        raise ValueError(f"{path} is a file; give the folder that holds the model")
    for name in required_files:
        if not (path / name).is_file():
            raise ValueError(f"{path} has no {name}")
    if not (model_types or architectures):
        return
    config_path = path / "config.json"
    if not config_path.is_file():
        raise ValueError(f"{path} has no config.json, so it is not a model saved with save_pretrained")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        model_type = config.get("model_type")
        classes = list(config.get("architectures") or [])
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, TypeError):
        raise ValueError(f"{config_path} is not a valid JSON config") from None
    if model_types and model_type not in model_types:
        raise ValueError(f"{path} holds a '{model_type}' model, not {' or '.join(sorted(model_types))}")
    if architectures and not any(str(name).endswith(tuple(architectures)) for name in classes):
        saved = ", ".join(map(str, classes)) or "no architecture"
        raise ValueError(f"{path} holds {saved}, not a model ending in {' or '.join(sorted(architectures))}")


def _resolve(value: str, info: ValidationInfo) -> str:
    return resolve_model_reference(value, (info.context or {}).get("base_dir"))


ModelReference = Annotated[str, AfterValidator(_resolve)]
"""A config field naming a model: a hub id, or a folder read relative to the recipe file."""
