"""Load a transformers model and its feature extractor by hub id or local folder, with clear errors.

A string that names an existing folder, or looks like a filesystem path (absolute, or starting with
``.`` or ``~``), is a local folder and must exist; anything else is passed to transformers as a hub
id. Every failure becomes an :class:`~voxtune.errors.InputError` naming the model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from voxtune.errors import InputError

T = TypeVar("T")


def resolve_model_source(model: str | Path) -> str:
    """Return ``model`` as transformers expects it, refusing a local folder that does not exist."""
    text = str(model)
    path = Path(text).expanduser()
    looks_local = isinstance(model, Path) or text.startswith((".", "~", "/")) or path.is_absolute()
    if path.exists():
        if not path.is_dir():
            raise InputError(
                "model path is a file, not a model folder",
                path=path,
                hint="point at the folder that holds config.json",
            )
        return str(path)
    if looks_local:
        raise InputError(
            "model folder not found",
            path=path,
            hint="check the path, or give a hub model id such as 'org/model'",
        )
    return text


def load_pretrained(loader: Callable[..., T], model: str | Path, what: str, **kwargs: object) -> T:
    """Call ``loader(source, **kwargs)`` (e.g. ``AutoModel.from_pretrained``), wrapping failures."""
    source = resolve_model_source(model)
    try:
        return loader(source, **kwargs)
    except Exception as error:  # any failure to build the model from that source is the input's
        raise InputError(
            f"could not load the {what} from {source!r}: {str(error).splitlines()[0]}",
            path=source if Path(source).exists() else None,
            hint="a local folder needs the files save_pretrained writes (config.json, weights, "
            "preprocessor_config.json); a hub id needs network access or a filled cache",
        ) from error
