"""Resolving a model reference (a hub id or a local folder) to its config and its exact weights.

Both kinds go through the same code: a local folder is read directly, a hub id through huggingface_hub's
cache (so a model downloaded once loads offline). What pins the weights is recorded for adapters: the
hub commit, or a content hash of a local folder's weight files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from voxtune.errors import InputError
from voxtune.models.base import ModelFamily, ModelSource

CONFIG_FILE = "config.json"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth")


def _looks_like_path(reference: str) -> bool:
    return reference.startswith(("/", ".", "~")) or reference.count("/") != 1 or "\\" in reference


def resolve_model(reference: str | Path, revision: str | None = None) -> tuple[ModelSource, dict[str, Any]]:
    """The ModelSource of ``reference`` and its parsed ``config.json``.

    Raises InputError naming the reference when it is neither an existing folder holding a
    config.json nor a model the hub (or its local cache) has.
    """
    text = str(reference)
    path = Path(text).expanduser()
    if path.is_dir():
        config_path = path / CONFIG_FILE
        if not config_path.is_file():
            raise InputError(
                f"no {CONFIG_FILE} in the model folder, so it is not a saved model",
                path=path,
                hint="Point at a folder written by save_pretrained (or `voxtune` build_tiny), or a hub id",
            )
        config = _read_config(config_path)
        source = ModelSource(text, path.absolute(), revision=None, content_hash=folder_content_hash(path))
        return source, config
    if path.exists() or _looks_like_path(text):
        raise InputError(
            "model folder not found" if not path.exists() else "the model path is a file, not a folder",
            path=path,
            hint="Give a folder holding config.json and the weights, or a hub id like sesame/csm-1b",
        )
    return _resolve_hub(text, revision)


def _resolve_hub(repo_id: str, revision: str | None) -> tuple[ModelSource, dict[str, Any]]:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        config_path = Path(hf_hub_download(repo_id, CONFIG_FILE, revision=revision))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, ValueError) as exc:
        raise InputError(
            f"model '{repo_id}' is neither a local folder nor available from the Hugging Face hub "
            f"({type(exc).__name__})",
            hint="Check the id (and `huggingface-cli login` for gated models such as sesame/csm-1b), "
            "or pass a local folder",
        ) from None
    commit = config_path.parent.name if config_path.parent.parent.name == "snapshots" else revision
    source = ModelSource(repo_id, config_path.parent, revision=commit, content_hash=None)
    return source, _read_config(config_path)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{CONFIG_FILE} is not valid JSON ({exc})", path=path) from None
    if not isinstance(data, dict):
        raise InputError(f"{CONFIG_FILE} does not hold a JSON object", path=path)
    return data


def folder_content_hash(folder: Path, chunk: int = 1 << 22) -> str:
    """sha256 over the config and weight files of a model folder (names and bytes, sorted by name)."""
    digest = hashlib.sha256()
    files = [
        folder / CONFIG_FILE,
        *sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES)),
    ]
    for file in files:
        digest.update(file.name.encode() + b"\x00")
        with file.open("rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
    return digest.hexdigest()[:16]


def load_pretrained(
    family: ModelFamily,
    reference: str | Path,
    revision: str | None,
    model_class: type,
    *,
    what: str,
    **model_kwargs: Any,
) -> tuple[ModelSource, Any, Any]:
    """The source, model and tokenizer of a transformers-format ``reference`` of ``family`` (a hub id,
    pinned when ``revision`` is given, or a local folder); InputError naming ``what`` when either the
    folder is another family's or ``from_pretrained`` fails."""
    from transformers import AutoTokenizer

    from voxtune.models.registry import check_family

    check_family(family, reference, revision)
    source, _ = resolve_model(reference, revision)
    where, pinned = source.pretrained_location()
    try:
        model = model_class.from_pretrained(where, **model_kwargs, **pinned)
        tokenizer = AutoTokenizer.from_pretrained(where, **pinned)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load {what} model '{reference}': {exc}", path=source.local_path) from None
    return source, model, tokenizer
