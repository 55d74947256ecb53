"""Everything a running server holds: the loaded bases, the catalog of what they offer, the model
worker, the metrics and the API keys — built once from a ServeConfig by ``start_service``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from voxtune.adapters.attach import AdapterSlots
from voxtune.adapters.compat import check_compatible
from voxtune.adapters.registry import AdapterRegistry, AdapterSource
from voxtune.errors import ConfigError, InputError
from voxtune.models.base import ModelFamily
from voxtune.models.placement import resolve_device, resolve_dtype
from voxtune.models.registry import detect_family, get_family
from voxtune.serve.catalog import Catalog, build_catalog_model
from voxtune.serve.config import AdapterEntry, ServeConfig, ServedModelConfig
from voxtune.serve.metrics import ServeMetrics
from voxtune.serve.worker import LoadedBase, ModelWorker

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


@dataclass
class Service:
    config: ServeConfig
    catalog: Catalog
    bases: dict[str, LoadedBase]
    worker: ModelWorker
    metrics: ServeMetrics
    api_keys: tuple[bytes, ...] = field(default=(), repr=False)

    def close(self) -> None:
        self.worker.shutdown()


def start_service(config: ServeConfig, *, metrics: ServeMetrics | None = None) -> Service:
    """Load every base, read its adapters, build the catalog and start the model worker.

    Adapters are attached lazily, on their first request. Raises ConfigError/InputError for anything
    a user must fix (missing API key variable, unknown family, pickled base weights, an adapter named
    in the config that does not fit its base).
    """
    keys = api_keys(config)
    metrics = metrics or ServeMetrics()
    bases: dict[str, LoadedBase] = {}
    models = []
    max_bytes = int(config.adapter_cache.max_memory_mb * 2**20)
    for model_config in config.models:
        family = _family(model_config)
        if not family.pickled_weights_restricted:
            check_safetensors_base(model_config.base)
        dtype, device = _placement(model_config)
        loaded = family.load(
            model_config.base,
            dtype=dtype,
            device=device,
            quantization=model_config.quantization,
            revision=model_config.revision,
        )
        loaded.model.eval()
        sources = _sources(model_config)
        registry = AdapterRegistry.scan(sources)
        catalog_model = build_catalog_model(model_config, family, loaded.source, registry)
        for voice in family.base_voices(loaded):
            catalog_model.voices.setdefault(voice, voice)
        for source in sources:  # an adapter named on its own must fit; one found by searching may not
            name = source.name or source.path.name
            if source.is_one_adapter and name not in catalog_model.adapters:
                check_compatible(registry.get(name), family.name, loaded.source)
        for info in catalog_model.adapters.values():
            if info.weight_bytes > max_bytes:
                raise ConfigError(
                    f"adapter '{info.name}' takes {info.weight_bytes / 2**20:.1f} MiB, more than "
                    f"adapter_cache.max_memory_mb ({config.adapter_cache.max_memory_mb:g})",
                    path=info.path,
                )
        slots = AdapterSlots(
            loaded.model, max_adapters=config.adapter_cache.max_adapters, max_bytes=max_bytes
        )
        bases[model_config.name] = LoadedBase(catalog_model, loaded, slots)
        models.append(catalog_model)
    worker = ModelWorker(bases, max_queue=config.limits.max_queue, metrics=metrics)
    return Service(config, Catalog(models), bases, worker, metrics, keys)


def api_keys(config: ServeConfig) -> tuple[bytes, ...]:
    """The accepted API keys (none: no authentication), from the configured environment variable."""
    variable = config.auth.api_key_env
    if variable is None:
        return ()
    raw = os.environ.get(variable, "")
    keys = tuple(k.strip().encode() for k in raw.split(",") if k.strip())
    if not keys:
        raise ConfigError(
            f"auth.api_key_env names ${variable}, which is not set (or empty)",
            hint=f"export {variable}=YOUR-KEY before starting the server, or remove auth.api_key_env",
        )
    return keys


def check_safetensors_base(base: str) -> None:
    """Refuse a local base folder whose weights are pickled only: the server never unpickles files."""
    folder = Path(base).expanduser()
    if not folder.is_dir():
        return  # a hub id: transformers reads its safetensors
    files = [p for p in folder.iterdir() if p.is_file()]
    if any(p.suffix == ".safetensors" for p in files):
        return
    pickled = [p.name for p in files if p.suffix in PICKLE_SUFFIXES]
    if pickled:
        raise InputError(
            f"the base model's weights are pickled ({pickled[0]}), which the server never loads",
            path=folder,
            hint="Re-save the model with save_pretrained(..., safe_serialization=True)",
        )


def _family(config: ServedModelConfig) -> ModelFamily:
    if config.family is not None:
        return get_family(config.family)
    return detect_family(config.base, config.revision)


def _placement(config: ServedModelConfig) -> tuple[torch.dtype, str]:
    device = resolve_device(config.device)
    return resolve_dtype(config.dtype, device), device


def _sources(config: ServedModelConfig) -> list[AdapterSource]:
    return [
        AdapterSource(entry.path, entry.name) if isinstance(entry, AdapterEntry) else AdapterSource(entry)
        for entry in config.adapters
    ]
