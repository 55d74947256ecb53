"""ingest: find input audio (a folder tree or a table manifest) and turn each file into a cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from voxtune.config import RecipePath
from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import SourceItem, SourceStage, StageConfig, StageOutput
from voxtune.sources.folder import folder_items
from voxtune.sources.items import AUDIO_EXTENSIONS, cut_from_file
from voxtune.sources.table import TABLE_SUFFIXES, table_items


class IngestConfig(StageConfig):
    path: RecipePath
    """A folder of audio files, or a csv/tsv/jsonl manifest naming them."""
    format: Literal["auto", "folder", "table"] = "auto"
    """``auto`` picks ``folder`` for a directory and ``table`` for a manifest file."""
    audio_root: RecipePath | None = None
    """Folder that relative audio paths in a manifest start from (default: the manifest's folder)."""
    extensions: list[str] = list(AUDIO_EXTENSIONS)
    recursive: bool = True
    language: str | None = None
    """Language of every item that does not name its own."""
    speaker: str | None = None
    """Speaker of every item that does not name its own; ``{folder}`` uses the parent folder's name."""
    synthetic: bool = False
    """Mark the items as synthetic speech (provenance for training mixes)."""


@register_stage
class Ingest(SourceStage):
    name = "ingest"
    config_class = IngestConfig
    config: IngestConfig

    def discover(self) -> Iterator[SourceItem]:
        config = self.config
        kind = config.format
        if kind == "auto":
            kind = "table" if config.path.suffix.lower() in TABLE_SUFFIXES else "folder"
        if kind == "table":
            return table_items(config.path, config.audio_root)
        return folder_items(config.path, tuple(config.extensions), config.recursive)

    def load(self, item: SourceItem) -> StageOutput:
        text = item.get("text")
        if "sidecar" in item:
            text = _read_sidecar(Path(item["sidecar"]))
        speaker = item.get("speaker") or self.config.speaker
        if speaker == "{folder}":
            speaker = item.get("folder")
        return cut_from_file(
            Path(item["source"]),
            item["id"],
            text=text,
            speaker=None if speaker is None else str(speaker),
            language=item.get("language") or self.config.language,
            words=item.get("words"),
            extra=item.get("extra"),
            synthetic=self.config.synthetic,
        )


def _read_sidecar(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ItemError("bad_transcript", f"transcript file {path.name} is not UTF-8 text") from None
