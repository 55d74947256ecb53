"""The serving config (``voxtune serve SERVE.yaml``): which bases to load, where their adapters are, how
requests are routed to them, and the limits every request is held to.

Relative paths are read relative to the YAML file; a ``base`` that names an existing folder beside it
wins over a hub id of the same spelling (as in training configs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from voxtune.adapters.registry import NAME_PATTERN
from voxtune.config import RecipePath, StrictModel, load_yaml, validate


def _check_name(value: str, what: str) -> str:
    if not NAME_PATTERN.match(value):
        raise ValueError(f"{what} '{value}' must be letters, digits, '_' or '-' (at most 64, no dots)")
    return value


class AdapterEntry(StrictModel):
    """One adapter folder under a name of your choice (instead of its folder name)."""

    path: RecipePath
    name: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else _check_name(value, "adapter name")


class ServedModelConfig(StrictModel):
    """One base model and the adapters served on it."""

    name: str
    """What clients send as ``model`` (adapters are ``NAME:ADAPTER``)."""
    base: str
    """Hub id or a local folder saved with ``save_pretrained`` (safetensors weights)."""
    family: str | None = None
    """Model family; detected from the model's config.json when left out."""
    revision: str | None = None
    device: str = "auto"
    """``auto`` (the first CUDA GPU when there is one, else the CPU), ``cpu``, ``cuda``, ``cuda:1``..."""
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """``auto``: bfloat16 on a GPU that supports it, float32 on the CPU."""
    quantization: Literal["4bit", "8bit"] | None = None
    adapters: list[RecipePath | AdapterEntry] = []
    """Adapter folders, or folders searched for adapters (e.g. ``runs/NAME/adapters``)."""
    languages: dict[str, str] = {}
    """Language -> adapter, where the automatic routing (an adapter trained on only that language)
    is not what you want or is ambiguous."""
    default_adapter: str | None = None
    """Adapter for requests naming neither an adapter nor a language; the bare base when left out."""
    voices: dict[str, str] = {}
    """Extra voice names -> the speaker they stand for (e.g. ``alloy: nb_f``, or ``"0"`` for CSM)."""
    emotions: list[str] = []
    """Emotions the family accepts besides those an adapter's metadata lists."""
    generation: dict[str, Any] = {}
    """Family settings applied over each adapter's own (``temperature``, ``max_seconds``...)."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value, "model name")

    @field_validator("base")
    @classmethod
    def _local_folder_beside_config(cls, value: str, info: ValidationInfo) -> str:
        base_dir = (info.context or {}).get("base_dir")
        candidate = Path(value).expanduser()
        if base_dir is not None and not candidate.is_absolute() and (Path(base_dir) / candidate).exists():
            return str((Path(base_dir) / candidate).absolute())
        return value


class AdapterCacheConfig(StrictModel):
    """How many adapters stay attached to each base; the least recently used is evicted."""

    max_adapters: int = Field(8, ge=1)
    max_memory_mb: float = Field(2048.0, gt=0)
    """Adapter weights attached to one base, together."""


class LimitsConfig(StrictModel):
    max_input_chars: int = Field(4096, ge=1)
    """Longest text to synthesise (OpenAI's limit is 4096)."""
    max_upload_mb: float = Field(25.0, gt=0)
    """Largest audio upload (OpenAI's limit is 25 MB)."""
    max_audio_seconds: float = Field(600.0, gt=0)
    """Longest uploaded audio to transcribe."""
    max_json_kb: float = Field(64.0, gt=0)
    """Largest JSON request body."""
    request_timeout_s: float = Field(120.0, gt=0)
    """A request still waiting or generating after this gets 504 (a queued one is dropped unrun)."""
    max_queue: int = Field(16, ge=0)
    """Requests waiting for the model beyond the one running; more get 503 at once."""
    max_connections: int = Field(64, ge=1)
    """Open connections uvicorn accepts before answering 503."""


class AuthConfig(StrictModel):
    api_key_env: str | None = None
    """Environment variable holding the API key (or several, comma-separated). Clients send
    ``Authorization: Bearer KEY``. Leave out to serve without keys (fine on 127.0.0.1)."""


class ServeConfig(StrictModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    models: list[ServedModelConfig] = Field(min_length=1)
    adapter_cache: AdapterCacheConfig = AdapterCacheConfig()
    limits: LimitsConfig = LimitsConfig()
    auth: AuthConfig = AuthConfig()
    seed: int = 0
    """Sampling seed when a request gives none: the same request gets the same audio."""
    page: bool = True
    """Serve the web page at ``/``."""

    @model_validator(mode="after")
    def _unique_names(self) -> ServeConfig:
        names = [m.name for m in self.models]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"model names must be unique; repeated: {', '.join(duplicated)}")
        return self


def load_serve_config(path: str | Path) -> ServeConfig:
    """Read and validate a serving YAML; errors name the field."""
    path = Path(path)
    return validate(
        ServeConfig, load_yaml(path), where="serving config", path=path, base_dir=path.parent.absolute()
    )


def serve_config(data: dict[str, Any], base_dir: str | Path | None = None) -> ServeConfig:
    """Validate a serving config given as a dict (relative paths against ``base_dir``)."""
    return validate(ServeConfig, data, where="serving config", base_dir=base_dir)
