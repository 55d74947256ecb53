"""The adapter registry: folders of trained adapters, each described by its ``voxtune_adapter.json``.

A training run writes ``runs/NAME/adapters/STAGE/`` (peft's ``adapter_config.json`` and
``adapter_model.safetensors``, plus voxtune's metadata). The registry finds such folders under the
paths it is given, reads what each adapter is (family, the base weights it was trained on, languages,
speakers, stage, training settings, metrics) and names it by its folder. Folders that look like an
adapter but cannot be served (broken metadata, pickled weights only, a full fine-tune) are kept as
problems with the reason, so listings can show them instead of silently dropping them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voxtune.errors import ConfigError, InputError

# The file names voxtune.train.adapters writes (repeated here so listing adapters does not import
# torch and peft; a test checks they agree).
METADATA_FILE = "voxtune_adapter.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
PICKLED_WEIGHTS = ("adapter_model.bin", "adapter_model.pt", "adapter_model.pth")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
"""Adapter and model names: letters, digits, ``_`` and ``-`` (no dots, slashes or colons), so a name
can never be read as a path and ``model:adapter`` ids split unambiguously."""
SKIPPED_FOLDERS = frozenset({"checkpoints", "logs", "samples", ".git", "__pycache__"})
MAX_SCAN_DEPTH = 5


class AdapterRegistryError(ConfigError):
    """The adapters named in a config cannot be used as given (missing, duplicated, unusable)."""


@dataclass(frozen=True)
class BaseRef:
    """The base weights an adapter was trained on, as the trainer recorded them."""

    reference: str
    revision: str | None = None
    content_hash: str | None = None

    def describe(self) -> str:
        pins = [f"revision {self.revision}"] if self.revision else []
        pins += [f"content hash {self.content_hash}"] if self.content_hash else []
        return f"{self.reference} ({', '.join(pins) or 'unpinned'})"


@dataclass(frozen=True)
class AdapterInfo:
    """One servable adapter: where it lives and what its metadata says."""

    name: str
    path: Path
    family: str
    base: BaseRef
    method: str
    stage: str | None
    run: str | None
    languages: tuple[str, ...]
    speakers: Mapping[str, int]
    emotions: tuple[str, ...]
    family_settings: Mapping[str, Any]
    metrics: Mapping[str, Any]
    training: Mapping[str, Any]
    lora: Mapping[str, Any] | None
    created: str | None
    weight_bytes: int
    metadata: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def weights_path(self) -> Path:
        return self.path / ADAPTER_WEIGHTS

    def summary(self) -> dict[str, Any]:
        """What listings and ``/v1/models`` show about the adapter (no local paths)."""
        return {
            "family": self.family,
            "base": self.base.reference,
            "stage": self.stage,
            "run": self.run,
            "languages": list(self.languages),
            "speakers": sorted(self.speakers),
            "emotions": list(self.emotions),
            "metrics": dict(self.metrics),
            "created": self.created,
        }


@dataclass(frozen=True)
class AdapterProblem:
    """A folder that looks like an adapter but cannot be served, and why."""

    path: Path
    reason: str


def read_adapter(folder: str | Path, *, name: str | None = None) -> AdapterInfo:
    """The AdapterInfo of one adapter folder; InputError saying what is wrong otherwise.

    ``name`` overrides the folder name (it must match ``NAME_PATTERN``). Only safetensors weights are
    accepted: a folder whose weights are pickled (``adapter_model.bin``) is refused, never opened.
    """
    folder = Path(folder)
    name = folder.name if name is None else name
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"'{name}' cannot name an adapter",
            path=folder,
            hint="Use letters, digits, '_' and '-' (at most 64), or give the adapter a name in the config",
        )
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        raise InputError(f"no {METADATA_FILE}, so this is not a voxtune adapter", path=folder)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{METADATA_FILE} is not valid JSON ({exc})", path=meta_path) from None
    if not isinstance(meta, dict):
        raise InputError(f"{METADATA_FILE} does not hold a JSON object", path=meta_path)
    method = str(meta.get("method", "lora"))
    if method != "lora":
        raise InputError(
            f"this is a {method} fine-tune, not an adapter",
            path=folder,
            hint="Serve it as a model of its own (models[].base: this folder)",
        )
    weights = folder / ADAPTER_WEIGHTS
    if not weights.is_file():
        pickled = [p for p in PICKLED_WEIGHTS if (folder / p).is_file()]
        raise InputError(
            f"no {ADAPTER_WEIGHTS}"
            + (f" (only pickled {pickled[0]}, which is never loaded)" if pickled else ""),
            path=folder,
            hint="Adapters are served from safetensors only; re-save the adapter with safetensors",
        )
    if not (folder / ADAPTER_CONFIG).is_file():
        raise InputError(f"no {ADAPTER_CONFIG} (peft's adapter settings)", path=folder)
    family = meta.get("family")
    base = meta.get("base_model")
    if not isinstance(family, str) or not isinstance(base, dict) or not base.get("reference"):
        raise InputError(
            f"{METADATA_FILE} does not say which family and base model the adapter belongs to",
            path=meta_path,
            hint="It needs 'family' and 'base_model.reference' (as `voxtune train` writes them)",
        )
    return AdapterInfo(
        name=name,
        path=folder.absolute(),
        family=family,
        base=BaseRef(str(base["reference"]), base.get("revision"), base.get("content_hash")),
        method=method,
        stage=meta.get("stage"),
        run=meta.get("run"),
        languages=tuple(str(x) for x in meta.get("languages") or ()),
        speakers={str(k): int(v) for k, v in (meta.get("speakers") or {}).items()},
        emotions=tuple(str(x) for x in meta.get("emotions") or ()),
        family_settings=dict(meta.get("family_settings") or {}),
        metrics=dict(meta.get("metrics") or {}),
        training=dict(meta.get("training") or {}),
        lora=meta.get("lora"),
        created=meta.get("created"),
        weight_bytes=weights.stat().st_size,
        metadata=meta,
    )


def find_adapter_folders(root: Path, max_depth: int = MAX_SCAN_DEPTH) -> list[Path]:
    """Folders under ``root`` (itself included) holding a voxtune_adapter.json, sorted; run folders'
    checkpoints, logs and samples are not searched. Symbolic links are not followed."""
    found: list[Path] = []

    def walk(folder: Path, depth: int) -> None:
        if (folder / METADATA_FILE).is_file():
            found.append(folder)
            return
        if depth >= max_depth:
            return
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError:
            return
        for child in children:
            if child.name not in SKIPPED_FOLDERS:
                walk(child, depth + 1)

    walk(root, 0)
    return found


@dataclass(frozen=True)
class AdapterSource:
    """Where to look: a folder (an adapter, or a tree of them), optionally one adapter given a name."""

    path: Path
    name: str | None = None

    @property
    def is_one_adapter(self) -> bool:
        """Whether this names one adapter (its folder, or a name given) rather than a tree to search."""
        return self.name is not None or (self.path / METADATA_FILE).is_file()


class AdapterRegistry:
    """Adapters found under some folders, by name, plus the folders that could not be used.

    Names are unique: two adapters with the same folder name are an error naming both paths (give one
    a name in the config, or point at the adapter folders themselves).
    """

    def __init__(self, adapters: Iterable[AdapterInfo], problems: Iterable[AdapterProblem] = ()):
        self.problems = list(problems)
        self._by_name: dict[str, AdapterInfo] = {}
        for info in adapters:
            other = self._by_name.get(info.name)
            if other is not None and other.path != info.path:
                raise AdapterRegistryError(
                    f"two adapters are named '{info.name}': {other.path} and {info.path}",
                    hint="Give one of them its own name ({name: ..., path: ...}) or list narrower folders",
                )
            self._by_name[info.name] = info

    @classmethod
    def scan(cls, sources: Iterable[AdapterSource | str | Path]) -> AdapterRegistry:
        """Read every adapter under ``sources``. A path that does not exist, or a named source that is
        not a usable adapter, is an error; unusable folders found while searching become problems."""
        adapters: list[AdapterInfo] = []
        problems: list[AdapterProblem] = []
        for source in sources:
            if not isinstance(source, AdapterSource):
                source = AdapterSource(Path(source))
            if not source.path.is_dir():
                raise AdapterRegistryError("adapter folder not found", path=source.path)
            if source.is_one_adapter:
                try:
                    adapters.append(read_adapter(source.path, name=source.name))
                except InputError as exc:
                    raise AdapterRegistryError(exc.what, path=exc.path, hint=exc.hint) from None
                continue
            folders = find_adapter_folders(source.path)
            for folder in folders:
                try:
                    adapters.append(read_adapter(folder))
                except InputError as exc:
                    problems.append(AdapterProblem(folder.absolute(), exc.what))
        return cls(adapters, problems)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self):
        return iter(self._by_name[name] for name in self.names())

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> AdapterInfo:
        """The adapter called ``name``; InputError listing the known names otherwise. Names are looked
        up, never turned into paths."""
        info = self._by_name.get(name)
        if info is None:
            raise InputError(
                f"no adapter named '{name}'",
                hint=f"Known adapters: {', '.join(self.names()) or 'none'}",
            )
        return info
