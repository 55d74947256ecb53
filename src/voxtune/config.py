"""Strict pydantic models and YAML loading, so a typo in a recipe is caught before any work starts."""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo

from voxtune.errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for every user-facing config: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    value = value.expanduser()
    base = (info.context or {}).get("base_dir")
    if base is not None and not value.is_absolute():
        value = Path(base) / value
    return Path(value).absolute()


RecipePath = Annotated[Path, AfterValidator(_resolve_path)]
"""A path in a config file; relative paths are read relative to the file that holds them."""


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping, turning every way it can be wrong into one clear ConfigError."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("config file not found", path=path, hint="Check the path you passed")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("config file is not UTF-8 text", path=path) from exc
    if data is None:
        raise ConfigError("config file is empty", path=path, hint="See recipes/ for examples")
    if not isinstance(data, dict):
        raise ConfigError("config file must hold a mapping of settings at its top level", path=path)
    return data


def validate(
    model: type[ModelT],
    data: Any,
    *,
    where: str,
    path: str | Path | None = None,
    base_dir: str | Path | None = None,
) -> ModelT:
    """Validate ``data`` against ``model`` and report every problem with its exact field name.

    ``where`` prefixes each problem (e.g. ``stages[2] (standardise)``) and ``base_dir`` anchors
    relative paths.
    """
    try:
        return model.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        problems = [describe_problem(model, err) for err in exc.errors()]
        raise ConfigError(
            f"{where}: " + "; ".join(problems),
            path=path,
            hint="Fix the field(s) named and run again",
        ) from None


def describe_problem(model: type[BaseModel], error: dict[str, Any]) -> str:
    """One human line for one pydantic error, suggesting the nearest field name for typos."""
    loc = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        field = str(error["loc"][-1])
        known = _field_names_at(model, error["loc"][:-1])
        close = difflib.get_close_matches(field, known, n=1)
        suggestion = f" (did you mean '{close[0]}'?)" if close else ""
        allowed = f"; known fields: {', '.join(sorted(known))}" if known and not close else ""
        return f"unknown field '{loc}'{suggestion}{allowed}"
    if error["type"] == "missing":
        return f"missing required field '{loc}'"
    return f"field '{loc}': {error['msg']} (got {_short(error.get('input'))})"


def _field_names_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = fields[part].annotation
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def fingerprint(*parts: Any) -> str:
    """A stable content hash of JSON-able parts (configs, item lists), used for resume and caching."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str, ensure_ascii=False).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]
