"""A folder tree of audio files, with optional sidecar transcripts (``clip.wav`` + ``clip.txt``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from voxtune.errors import InputError
from voxtune.sources.items import item_id

SIDECAR_SUFFIXES = (".txt", ".lab")


def find_audio_files(root: Path, extensions: tuple[str, ...], recursive: bool = True) -> list[Path]:
    """Audio files under ``root`` in sorted order; a missing or empty folder is a clear error."""
    if not root.exists():
        raise InputError("input folder not found", path=root, hint="Check the 'path' of the ingest stage")
    if not root.is_dir():
        raise InputError("expected a folder of audio files", path=root)
    pattern = "**/*" if recursive else "*"
    wanted = {ext.lower() for ext in extensions}
    files = sorted(p for p in root.glob(pattern) if p.is_file() and p.suffix.lower() in wanted)
    if not files:
        raise InputError(
            f"no audio files ({', '.join(sorted(wanted))}) in this folder",
            path=root,
            hint="Point the ingest stage at the folder holding your recordings",
        )
    return files


def folder_items(root: Path, extensions: tuple[str, ...], recursive: bool = True) -> Iterator[dict[str, Any]]:
    """One source item per audio file: id from the relative path, size and mtime for resume."""
    for path in find_audio_files(root, extensions, recursive):
        stat = path.stat()
        item: dict[str, Any] = {
            "id": item_id(path.relative_to(root)),
            "source": str(path),
            "size": stat.st_size,
            "mtime": stat.st_mtime_ns,
            "folder": path.parent.name,
        }
        for suffix in SIDECAR_SUFFIXES:
            sidecar = path.with_suffix(suffix)
            if sidecar.is_file():
                item["sidecar"] = str(sidecar)
                break
        yield item
