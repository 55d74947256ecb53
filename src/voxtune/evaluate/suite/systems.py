"""The systems a suite compares: the base model and each adapter on it, loaded once and switched between.

LoRA adapters (peft folders written by ``voxtune train``) are attached to one loaded base model and
activated in turn, so N adapters cost one base model in memory; ``base`` runs with every adapter
disabled. Full fine-tunes (``method: full``) are loaded as models of their own when their turn comes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import torch

from voxtune.config import validate
from voxtune.corpus.manifest import read_json
from voxtune.errors import ConfigError, InputError
from voxtune.evaluate.suite.config import AdapterSpec, BaseModelSpec
from voxtune.models.base import FamilySettings, LoadedModel, ModelFamily
from voxtune.models.placement import resolve_device, resolve_dtype
from voxtune.models.registry import detect_family, get_family

BASE = "base"
REFERENCE = "reference"
RESERVED_NAMES = frozenset({BASE, REFERENCE})
ADAPTER_METADATA = "voxtune_adapter.json"
RUN_SUMMARY = "summary.json"


@dataclass(frozen=True)
class AdapterInfo:
    """One adapter to evaluate: its report name, folder, kind and what it was trained on."""

    name: str
    folder: Path
    method: Literal["lora", "full"]
    languages: tuple[str, ...]
    """Languages of the test items it is evaluated on; empty: every language."""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def family_settings(self) -> dict[str, Any]:
        return dict(self.metadata.get("family_settings") or {})

    @property
    def speakers(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in (self.metadata.get("speakers") or {}).items()}


def _read_adapter(folder: Path) -> AdapterInfo:
    metadata = read_json(folder / ADAPTER_METADATA)
    method = metadata.get("method", "lora")
    if method not in ("lora", "full"):
        raise InputError(f"adapter method {method!r} is not lora or full", path=folder)
    name = str(metadata.get("adapter") or folder.name)
    return AdapterInfo(name, folder, method, tuple(metadata.get("languages") or ()), metadata)


def find_adapters(spec: AdapterSpec) -> list[AdapterInfo]:
    """The adapters a config entry names: one adapter folder, or every adapter of a run folder.

    A run folder's ``summary.json`` says which folder holds each adapter's final weights (the last
    stage that trained it); without it, every ``adapters/*/`` folder counts, the newest per name.
    """
    folder = Path(spec.path)
    if not folder.is_dir():
        raise InputError("adapter folder not found", path=folder, hint="Give an adapter or run folder")
    if (folder / ADAPTER_METADATA).is_file():
        found = [_read_adapter(folder)]
    else:
        if spec.name is not None:
            raise ConfigError(
                "adapters: `name` renames a single adapter folder, not a run folder", path=folder
            )
        found = _run_adapters(folder)
    if spec.name is not None:
        found = [replace(found[0], name=spec.name)]
    if spec.languages is not None:
        found = [replace(a, languages=tuple(spec.languages)) for a in found]
    return found


def _run_adapters(folder: Path) -> list[AdapterInfo]:
    summary_path = folder / RUN_SUMMARY
    if summary_path.is_file():
        adapters = read_json(summary_path).get("adapters") or {}
        found = []
        for name, adapter_dir in adapters.items():
            path = Path(adapter_dir)
            if not path.is_absolute():
                path = folder / path
            if not (path / ADAPTER_METADATA).is_file():  # a run folder moved since: look beside it
                path = folder / "adapters" / path.name
            found.append(replace(_read_adapter(path), name=str(name)))
        if found:
            return found
    newest: dict[str, AdapterInfo] = {}
    for sub in sorted((folder / "adapters").glob("*/")):
        if (sub / ADAPTER_METADATA).is_file():
            info = _read_adapter(sub)
            old = newest.get(info.name)
            if old is None or str(info.metadata.get("created", "")) >= str(old.metadata.get("created", "")):
                newest[info.name] = info
    if not newest:
        raise InputError(
            f"no adapters here: neither {ADAPTER_METADATA} nor a run's adapters/ folder",
            path=folder,
            hint="Point at runs/NAME written by `voxtune train`, or at one of its adapters/ folders",
        )
    return list(newest.values())


def collect_adapters(specs: Iterable[AdapterSpec]) -> list[AdapterInfo]:
    """Every adapter of every config entry, with unique report names."""
    adapters: list[AdapterInfo] = []
    for spec in specs:
        adapters.extend(find_adapters(spec))
    names = [a.name for a in adapters]
    clash = sorted({n for n in names if names.count(n) > 1} | (set(names) & RESERVED_NAMES))
    if clash:
        raise ConfigError(
            f"adapter names must be unique and not {' or '.join(sorted(RESERVED_NAMES))}: {', '.join(clash)}",
            hint="Give single adapter folders a `name` in the adapters list",
        )
    return adapters


class Systems:
    """The loaded base model plus its adapters; ``use(name)`` makes one of them the model that runs."""

    def __init__(
        self,
        family: ModelFamily,
        loaded: LoadedModel,
        adapters: list[AdapterInfo],
        *,
        overrides: Mapping[str, Any],
        speakers: Mapping[str, int],
        dtype: torch.dtype,
        device: str,
    ):
        self.family = family
        self.base = loaded
        self.adapters = {a.name: a for a in adapters}
        self.overrides = dict(overrides)
        self.speakers = dict(speakers)
        self._dtype = dtype
        self._device = device
        self._peft: Any = None
        self._full: tuple[str, LoadedModel] | None = None
        for adapter in adapters:
            _check_same_base(adapter, loaded)
        lora = [a for a in adapters if a.method == "lora"]
        if lora:
            from peft import PeftModel

            first, *rest = lora
            try:
                self._peft = PeftModel.from_pretrained(
                    loaded.model, str(first.folder), adapter_name=first.name
                )
                for adapter in rest:
                    self._peft.load_adapter(str(adapter.folder), adapter_name=adapter.name)
            except (ValueError, OSError, RuntimeError, KeyError) as exc:
                raise InputError(
                    f"cannot attach the LoRA adapters to the base model: {exc}",
                    hint="Check that the adapters were trained on this base model",
                ) from None
            self._peft.eval()
            self.base.model = self._peft

    @property
    def names(self) -> list[str]:
        return [BASE, *self.adapters]

    def settings(self, name: str) -> FamilySettings:
        """Generation settings: family defaults, then the adapter's saved settings, then the config's."""
        saved = self.adapters[name].family_settings if name in self.adapters else {}
        allowed = set(self.family.settings_class.model_fields)
        data = {**{k: v for k, v in saved.items() if k in allowed}, **self.overrides}
        return validate(self.family.settings_class, data, where=f"family settings of {name}")

    def speaker_ids(self, name: str) -> dict[str, int]:
        ids = dict(self.speakers)
        if name in self.adapters:
            ids.update(self.adapters[name].speakers)
        return ids

    @contextlib.contextmanager
    def use(self, name: str) -> Iterator[LoadedModel]:
        """The loaded model with ``name`` active (``base``: every adapter disabled)."""
        if name == BASE:
            if self._peft is None:
                yield self.base
            else:
                with self._peft.disable_adapter():
                    yield self.base
            return
        adapter = self.adapters[name]
        if adapter.method == "lora":
            self._peft.set_adapter(name)
            yield self.base
            return
        if self._full is None or self._full[0] != name:
            self._full = None  # free the previous full model before loading the next
            self._full = (name, self.family.load(adapter.folder, dtype=self._dtype, device=self._device))
        yield self._full[1]


def _check_same_base(adapter: AdapterInfo, loaded: LoadedModel) -> None:
    """Refuse an adapter trained on other weights than the loaded base (when both sides pin them)."""
    recorded = adapter.metadata.get("base_model") or {}
    source = loaded.source
    for key, have in (("content_hash", source.content_hash), ("revision", source.revision)):
        want = recorded.get(key)
        if want and have and want != have:
            raise InputError(
                f"adapter '{adapter.name}' was trained on base weights with {key} {want}, but the loaded "
                f"base has {have}",
                path=adapter.folder,
                hint=f"Evaluate it on the base it was trained on ({recorded.get('reference')})",
            )


def load_systems(
    spec: BaseModelSpec,
    adapters: list[AdapterInfo],
    *,
    overrides: Mapping[str, Any],
    corpus_speakers: Iterable[str | None],
) -> Systems:
    """Load the base model (hub id or folder, through the family's own loader) and attach the adapters."""
    family = get_family(spec.family) if spec.family else detect_family(spec.base, spec.revision)
    for adapter in adapters:
        trained = adapter.metadata.get("family")
        if trained and trained != family.name:
            raise InputError(
                f"adapter '{adapter.name}' is for the {trained} family, the base model is {family.name}",
                path=adapter.folder,
            )
    device = resolve_device(spec.device)
    dtype = resolve_dtype(spec.dtype, device)
    loaded = family.load(spec.base, dtype=dtype, device=device, revision=spec.revision)
    base_settings = validate(family.settings_class, dict(overrides), where="evaluation config: family")
    speakers = family.speaker_ids(base_settings, corpus_speakers)
    return Systems(
        family, loaded, adapters, overrides=overrides, speakers=speakers, dtype=dtype, device=device
    )
