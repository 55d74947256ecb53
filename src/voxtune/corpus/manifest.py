"""Reading and writing lazy JSONL manifests atomically, so a killed run never leaves half a file."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voxtune.errors import InputError

if TYPE_CHECKING:  # lhotse is imported where used, so the ledger and JSON helpers stay light
    from lhotse import CutSet
    from lhotse.cut import Cut


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` in one rename.

    The temporary name keeps the final suffixes (``.jsonl.gz``) so writers that pick a format from the
    name behave the same.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _open_text(path: Path, mode: str):
    if path.name.endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=5)
    return path.open(mode, encoding="utf-8")


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write dicts as JSON lines (gzipped when the name ends in .gz) atomically; return the count."""
    count = 0
    with atomic_output(path) as tmp, _open_text(tmp, "w") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, default=json_default) + "\n")
            count += 1
    return count


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stream dicts from a JSON-lines file (plain or gzipped), naming the file and line on bad input."""
    path = Path(path)
    with _open_text(path, "r") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {number} is not valid JSON: {exc.msg}", path=path) from None


def write_cuts(cuts: Iterable[Cut], path: str | Path) -> int:
    """Write cuts to a lhotse JSONL manifest atomically; return how many were written."""
    return write_jsonl((cut.to_dict() for cut in cuts), path)


def read_cuts(path: str | Path) -> CutSet:
    """Open a lhotse cut manifest lazily: nothing is loaded until iterated."""
    from lhotse import CutSet

    path = Path(path)
    if not path.is_file():
        raise InputError("cut manifest not found", path=path, hint="Run `voxtune prepare` first")
    return CutSet.from_jsonl_lazy(path)


def cut_from_dict(data: dict[str, Any]) -> Cut:
    """Rebuild one cut from its manifest dict (the inverse of ``cut.to_dict()``)."""
    from lhotse.serialization import deserialize_item

    return deserialize_item(dict(data))  # deserialize_item pops keys, so give it a copy


def write_json(data: Any, path: str | Path) -> None:
    """Write one JSON document atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, default=json_default) + "\n",
            encoding="utf-8",
        )


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def json_default(value: Any) -> Any:
    """How manifests store what JSON cannot: paths as text, arrays as lists, lhotse objects as dicts."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a manifest")
