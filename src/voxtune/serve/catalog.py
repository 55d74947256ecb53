"""What the server offers and how a request finds it: served models, their adapters, language routes,
voices, emotions — and ``resolve`` turning a request's ``model``/``language``/``voice``/``emotion`` into
one route (base + adapter + speaker + generation settings) or a 422 listing the valid values.

Model ids are ``NAME`` (the base, or the adapter its language routes to) and ``NAME:ADAPTER``. Names
are looked up in dictionaries built at start-up; nothing a client sends becomes a path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from voxtune.adapters.compat import mismatch_reason
from voxtune.adapters.registry import AdapterInfo, AdapterRegistry
from voxtune.errors import ConfigError
from voxtune.models.base import FamilySettings, ModelFamily, ModelSource, Task
from voxtune.serve.config import ServedModelConfig
from voxtune.serve.errors import unknown_value
from voxtune.text.languages import SUPPORTED_LANGUAGES, UnsupportedLanguageError, canonical_language

DEFAULT_VOICE = "default"
ADAPTER_SEPARATOR = ":"


@dataclass
class CatalogModel:
    """One served base and everything a request may pick on it."""

    name: str
    family: ModelFamily
    source: ModelSource
    adapters: dict[str, AdapterInfo]
    settings: dict[str | None, FamilySettings]
    """Generation settings per adapter name (None: the bare base)."""
    language_routes: dict[str, str]
    default_adapter: str | None
    voices: dict[str, str]
    emotions: tuple[str, ...]
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """(adapter, reason) for adapters found beside this model's that cannot go on it."""
    notes: list[str] = field(default_factory=list)

    @property
    def task(self) -> Task:
        return self.family.task

    def ids(self) -> list[str]:
        return [self.name, *(f"{self.name}{ADAPTER_SEPARATOR}{a}" for a in sorted(self.adapters))]


@dataclass(frozen=True)
class Route:
    """Where one request goes: the model, the adapter (None: bare base), and what to ask it."""

    model: CatalogModel
    adapter: AdapterInfo | None
    language: str | None
    speaker: str | None
    emotion: str | None
    settings: FamilySettings
    speakers: Mapping[str, int]

    @property
    def id(self) -> str:
        return self.model.name + (f"{ADAPTER_SEPARATOR}{self.adapter.name}" if self.adapter else "")

    @property
    def adapter_name(self) -> str:
        return self.adapter.name if self.adapter else ""


def build_catalog_model(
    config: ServedModelConfig, family: ModelFamily, source: ModelSource, registry: AdapterRegistry
) -> CatalogModel:
    """The CatalogModel of ``config`` once its base is loaded: adapters that fit the base, language
    routes, per-adapter settings. Mistakes in the config are ConfigErrors naming the model."""
    where = f"models '{config.name}'"
    adapters: dict[str, AdapterInfo] = {}
    left_out = [(p.path.name, p.reason) for p in registry.problems]
    for info in registry:
        reason = mismatch_reason(info, family.name, source)
        if reason is None:
            adapters[info.name] = info
        else:
            left_out.append((info.name, reason))
    settings = {None: _settings(family, {}, config.generation, f"{where}: generation")}
    for info in adapters.values():
        settings[info.name] = _settings(
            family, info.family_settings, config.generation, f"{where}: adapter '{info.name}'"
        )
    for name in [config.default_adapter, *config.languages.values()]:
        if name is not None and name not in adapters:
            why = dict(left_out).get(name)
            raise ConfigError(
                f"{where}: no adapter '{name}' on this base" + (f" ({why})" if why else ""),
                hint=f"Adapters on it: {', '.join(sorted(adapters)) or 'none'}",
            )
    routes, notes = language_routes(adapters, config.languages, config.default_adapter)
    return CatalogModel(
        name=config.name,
        family=family,
        source=source,
        adapters=adapters,
        settings=settings,
        language_routes=routes,
        default_adapter=config.default_adapter,
        voices=dict(config.voices),
        emotions=tuple(config.emotions),
        left_out=left_out,
        notes=notes,
    )


def _settings(
    family: ModelFamily, recorded: Mapping[str, Any], overrides: Mapping[str, Any], where: str
) -> FamilySettings:
    known = set(family.settings_class.model_fields)
    data = {k: v for k, v in recorded.items() if k in known}  # settings of a newer voxtune are dropped
    data.update(overrides)
    try:
        return family.settings(data)
    except ValueError as exc:  # pydantic ValidationError
        raise ConfigError(f"{where}: invalid {family.name} settings: {exc}") from None


def language_routes(
    adapters: Mapping[str, AdapterInfo], explicit: Mapping[str, str], default: str | None
) -> tuple[dict[str, str], list[str]]:
    """Language -> adapter: ``explicit`` first, then the adapter trained on that language only, then the
    one multilingual adapter covering it. A language several adapters claim goes to ``default`` when
    that is one of them, else stays unrouted (said in the returned notes)."""
    routes: dict[str, str] = {}
    notes: list[str] = []
    ambiguous: set[str] = set()  # not handed to a multilingual adapter when specialists disagree
    for language, adapter in explicit.items():
        routes[_canonical(language)] = adapter
    for single in (True, False):
        candidates: dict[str, list[str]] = {}
        for name, info in sorted(adapters.items()):
            languages = {_canonical(x) for x in info.languages if _known(x)}
            if (len(languages) == 1) != single:
                continue
            for language in languages:
                candidates.setdefault(language, []).append(name)
        for language, names in sorted(candidates.items()):
            if language in routes or language in ambiguous:
                continue
            if len(names) == 1:
                routes[language] = names[0]
            elif default in names:
                routes[language] = default
            else:
                ambiguous.add(language)
                notes.append(
                    f"language '{language}' is served by {', '.join(names)}: name one (model:adapter) "
                    "or set languages in the config"
                )
    return routes, notes


def _known(code: str) -> bool:
    try:
        canonical_language(code)
    except UnsupportedLanguageError:
        return False
    return True


def _canonical(code: str) -> str:
    try:
        return canonical_language(code)
    except UnsupportedLanguageError:
        return code.strip().lower()


class Catalog:
    """Every served model, by name, and request resolution."""

    def __init__(self, models: Sequence[CatalogModel]):
        self.models = {m.name: m for m in models}

    def ids(self, task: Task | None = None) -> list[str]:
        return [i for m in self.models.values() if task is None or m.task == task for i in m.ids()]

    def resolve(
        self,
        model_id: str,
        *,
        task: Task,
        language: str | None = None,
        voice: str | None = None,
        emotion: str | None = None,
    ) -> Route:
        """The route for a request, or ApiError(422) naming the bad field and listing valid values."""
        name, _, adapter_name = model_id.partition(ADAPTER_SEPARATOR)
        model = self.models.get(name)
        if model is None or model.task != task:
            raise unknown_value("model", model_id, self.ids(task))
        if adapter_name and adapter_name not in model.adapters:
            raise unknown_value("model", model_id, model.ids())
        lang = None
        if language:
            lang = self._language(model, language, adapter_name)
        adapter = self._adapter(model, adapter_name, lang)
        if lang is None and adapter is not None and len(adapter.languages) == 1:
            lang = _canonical(adapter.languages[0])
        speakers = dict(adapter.speakers) if adapter else {}
        speaker = self._speaker(model, adapter, speakers, voice)
        chosen_emotion = self._emotion(model, adapter, emotion)
        return Route(
            model=model,
            adapter=adapter,
            language=lang,
            speaker=speaker,
            emotion=chosen_emotion,
            settings=model.settings[adapter.name if adapter else None],
            speakers=speakers,
        )

    # -- the parts of a route ------------------------------------------------------------------------
    def _language(self, model: CatalogModel, language: str, adapter_name: str) -> str:
        try:
            lang = canonical_language(language)
        except UnsupportedLanguageError:
            raise unknown_value("language", language, self._languages(model, adapter_name)) from None
        valid = self._languages(model, adapter_name)
        if lang not in valid:
            raise unknown_value("language", language, valid)
        return lang

    def _languages(self, model: CatalogModel, adapter_name: str) -> list[str]:
        """Languages a request may name for ``model`` (or its adapter ``adapter_name``)."""
        if adapter_name:
            adapter = model.adapters[adapter_name]
            return sorted({_canonical(x) for x in adapter.languages}) or list(SUPPORTED_LANGUAGES)
        covered = set(model.language_routes)
        if model.default_adapter:
            covered |= {_canonical(x) for x in model.adapters[model.default_adapter].languages}
        # no adapter says what it speaks: the language goes to the base, whose family decides
        return sorted(covered) or list(SUPPORTED_LANGUAGES)

    def _adapter(self, model: CatalogModel, adapter_name: str, language: str | None) -> AdapterInfo | None:
        if adapter_name:
            return model.adapters[adapter_name]
        if language is not None and language in model.language_routes:
            return model.adapters[model.language_routes[language]]
        if model.default_adapter is not None:
            return model.adapters[model.default_adapter]
        return None

    def _speaker(
        self, model: CatalogModel, adapter: AdapterInfo | None, speakers: Mapping[str, int], voice: str | None
    ) -> str | None:
        if voice is None or voice == "" or voice == DEFAULT_VOICE:
            return None
        if voice in speakers:
            return voice
        target = model.voices.get(voice)
        if target is not None and (target in speakers or not speakers):
            return target
        valid = [DEFAULT_VOICE, *sorted(speakers)]
        valid += sorted(k for k, v in model.voices.items() if v in speakers or not speakers)
        raise unknown_value("voice", voice, valid)

    def _emotion(self, model: CatalogModel, adapter: AdapterInfo | None, emotion: str | None) -> str | None:
        if not emotion:
            return None
        valid = sorted({*model.emotions, *(adapter.emotions if adapter else ())})
        if emotion not in valid:
            raise unknown_value("emotion", emotion, valid)
        return emotion

    def describe(self) -> list[dict[str, Any]]:
        """Every model id with what it offers (``/v1/models``)."""
        rows: list[dict[str, Any]] = []
        for model in self.models.values():
            base_languages = self._languages(model, "")
            rows.append(
                {
                    "id": model.name,
                    "task": model.task,
                    "family": model.family.name,
                    "adapter": None,
                    "languages": base_languages if len(base_languages) < len(SUPPORTED_LANGUAGES) else [],
                    "language_routes": dict(sorted(model.language_routes.items())),
                    "default_adapter": model.default_adapter,
                    "voices": self._voices(model, model.adapters.get(model.default_adapter or "")),
                    "emotions": sorted(model.emotions),
                }
            )
            for name, info in sorted(model.adapters.items()):
                rows.append(
                    {
                        "id": f"{model.name}{ADAPTER_SEPARATOR}{name}",
                        "task": model.task,
                        "family": model.family.name,
                        "adapter": name,
                        **info.summary(),
                        "created": _epoch(info.created),
                        "trained_at": info.created,
                        "languages": sorted({_canonical(x) for x in info.languages}),
                        "voices": self._voices(model, info),
                        "emotions": sorted({*model.emotions, *info.emotions}),
                    }
                )
        return rows

    def _voices(self, model: CatalogModel, adapter: AdapterInfo | None) -> list[str]:
        speakers = dict(adapter.speakers) if adapter else {}
        aliases = sorted(k for k, v in model.voices.items() if v in speakers or not speakers)
        return [DEFAULT_VOICE, *sorted(speakers), *aliases]


def _epoch(iso: str | None) -> int:
    """Unix time of an ISO timestamp (0 when unknown), as OpenAI's model list gives ``created``."""
    if not iso:
        return 0
    try:
        return int(dt.datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return 0
