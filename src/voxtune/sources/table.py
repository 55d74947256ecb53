"""Table manifests (csv, tsv, jsonl) naming audio files with optional text, speaker and language.

Column names vary between corpora, so each field accepts the names common corpora use (Common Voice's
``path``/``sentence``/``client_id``/``locale``, NeMo's ``audio_filepath``, ...). Unknown columns are
kept on the supervision so labels such as ``emotion`` travel with the item.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from voxtune.errors import InputError
from voxtune.sources.items import item_id

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "path": ("path", "audio", "audio_path", "audio_filepath", "file", "filename", "wav", "wav_path"),
    "text": ("text", "sentence", "transcript", "transcription", "normalized_text"),
    "speaker": ("speaker", "speaker_id", "client_id", "spk"),
    "language": ("language", "lang", "locale"),
    "id": ("id", "utt_id", "utterance_id", "key"),
    "words": ("words", "alignment", "alignments"),
}
TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a csv/tsv (with a header line) or JSON-lines file."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"line {number} is not valid JSON ({exc.msg})", path=path) from None
        return
    delimiter = "\t" if suffix == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _pick(row: dict[str, Any], field: str) -> tuple[str | None, Any]:
    for name in COLUMN_ALIASES[field]:
        if name in row and row[name] not in (None, ""):
            return name, row[name]
    return None, None


def table_items(path: Path, audio_root: Path | None = None) -> Iterator[dict[str, Any]]:
    """One source item per row; audio paths are relative to ``audio_root`` (default: the table's folder)."""
    if not path.is_file():
        raise InputError("manifest file not found", path=path)
    root = audio_root or path.parent
    seen: set[str] = set()
    count = 0
    for number, row in enumerate(read_rows(path), start=1):
        column, audio = _pick(row, "path")
        if audio is None:
            raise InputError(
                f"row {number} names no audio file",
                path=path,
                hint=f"Add a column called one of: {', '.join(COLUMN_ALIASES['path'])}",
            )
        audio_path = Path(audio) if Path(audio).is_absolute() else root / audio
        used = {column}
        item: dict[str, Any] = {"source": str(audio_path)}
        for field in ("id", "text", "speaker", "language", "words"):
            name, value = _pick(row, field)
            if name is not None:
                used.add(name)
                item[field] = value
        item["id"] = str(item.get("id") or item_id(Path(audio)))
        if item["id"] in seen:
            raise InputError(f"row {number} repeats the id '{item['id']}'", path=path)
        seen.add(item["id"])
        extra = {k: v for k, v in row.items() if k not in used and v not in (None, "")}
        if extra:
            item["extra"] = extra
        count += 1
        yield item
    if count == 0:
        raise InputError("the manifest has no rows", path=path)
