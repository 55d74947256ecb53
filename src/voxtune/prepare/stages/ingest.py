"""ingest: find input audio (a folder tree, a table manifest, URLs, or a trainer's corpus) as cuts.

``format: folder | table | urls`` (or ``auto``) reads plain audio files, manifests naming them, or a
text file of URLs downloaded with yt-dlp; ``moshi``, ``ljspeech``, ``nemo``, ``lhotse`` and
``commonvoice`` dispatch to the readers of ``voxtune.formats``, whose own settings go under
``options:``. Files libsndfile cannot read (m4a, webm, ...) are decoded once with the ffmpeg binary
from imageio-ffmpeg into FLAC under the stage's audio folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from lhotse.cut import Cut
from pydantic import model_validator

from voxtune.config import RecipePath, validate
from voxtune.corpus import fields
from voxtune.errors import InputError, ItemError
from voxtune.formats.base import Reader, ReaderOptions
from voxtune.formats.registry import READERS, get_reader
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import SourceItem, SourceStage, StageConfig, StageOutput
from voxtune.sources.folder import folder_items
from voxtune.sources.items import AUDIO_EXTENSIONS, cut_from_file
from voxtune.sources.table import table_items
from voxtune.sources.transcode import NEEDS_FFMPEG, transcode_to_flac
from voxtune.sources.urls import download_audio, read_url_list, url_items


class IngestConfig(StageConfig):
    path: RecipePath
    """A folder of audio files, a csv/tsv/jsonl manifest naming them, a text file of URLs, or a corpus
    in a trainer's layout."""
    format: Literal[
        "auto", "folder", "table", "urls", "moshi", "ljspeech", "nemo", "lhotse", "commonvoice"
    ] = "auto"
    """``auto`` picks ``folder`` for a directory, ``urls`` for a .urls/.txt file, else ``table``; the
    others read a corpus in that trainer's layout (see ``voxtune import``)."""
    options: dict[str, Any] = {}
    """Settings of the format reader (e.g. ``tables: [train, dev]`` for commonvoice)."""
    audio_root: RecipePath | None = None
    """Folder that relative audio paths in a manifest start from (default: the manifest's folder)."""
    extensions: list[str] = [*AUDIO_EXTENSIONS, *NEEDS_FFMPEG]
    recursive: bool = True
    language: str | None = None
    """Language of every item that does not name its own."""
    speaker: str | None = None
    """Speaker of every item that does not name its own; ``{folder}`` uses the parent folder's name."""
    synthetic: bool = False
    """Mark the items as synthetic speech (provenance for training mixes); a manifest can also mark
    single rows with a ``synthetic`` column."""

    @model_validator(mode="after")
    def _options_fit_the_format(self) -> IngestConfig:
        if self.format in READERS:
            reader_options(self.format, self.options)  # raises a ConfigError naming the bad field
        elif self.options:
            raise ValueError(f"'options' are for format readers ({', '.join(READERS)}), not '{self.format}'")
        return self


def reader_options(format: str, options: dict[str, Any]) -> ReaderOptions:
    return validate(get_reader(format).options_class, options, where=f"ingest options ({format})")


@register_stage
class Ingest(SourceStage):
    name = "ingest"
    config_class = IngestConfig
    config: IngestConfig

    _reader: Reader | None = None

    def reader(self) -> Reader | None:
        """The format reader for ``format``, or None for plain folders and tables."""
        if self._reader is None and self.config.format in READERS:
            options = reader_options(self.config.format, self.config.options)
            self._reader = get_reader(self.config.format)(options)
        return self._reader

    def discover(self) -> Iterator[SourceItem]:
        config = self.config
        reader = self.reader()
        if reader is not None:
            return reader.items(config.path)
        kind = config.format
        if not config.path.exists():
            raise InputError(
                "input not found: no such folder or file",
                path=config.path,
                hint="Check the ingest stage's 'path'",
            )
        if kind == "auto":
            suffix = config.path.suffix.lower()
            kind = "folder" if config.path.is_dir() else "urls" if suffix in (".urls", ".txt") else "table"
        if kind == "urls":
            return url_items(read_url_list(config.path))
        if kind == "table":
            return table_items(config.path, config.audio_root)
        return folder_items(config.path, tuple(config.extensions), config.recursive)

    def load(self, item: SourceItem) -> StageOutput:
        reader = self.reader()
        if reader is not None:
            loaded = reader.load(item, self.context.audio_dir)
            return [
                self._with_defaults(element) if isinstance(element, Cut) else element for element in loaded
            ]
        source = str(item["source"])
        metadata: dict[str, object] = {}
        if source.startswith(("http://", "https://")):
            path, metadata = download_audio(source, self.context.audio_dir / "downloads", item["id"])
        else:
            path = Path(source)
        if path.suffix.lower() in NEEDS_FFMPEG:
            path = transcode_to_flac(path, self.context.audio_dir / "decoded" / f"{item['id']}.flac")
        extra = dict(item.get("extra") or {})
        synthetic = _is_true(extra.pop(fields.SYNTHETIC, False)) or self.config.synthetic
        text = item.get("text")
        if "sidecar" in item:
            text = _read_sidecar(Path(item["sidecar"]))
        speaker = item.get("speaker") or self.config.speaker
        if speaker == "{folder}":
            speaker = item.get("folder")
        cut = cut_from_file(
            path,
            item["id"],
            text=text,
            speaker=None if speaker is None else str(speaker),
            language=item.get("language") or self.config.language,
            words=item.get("words"),
            extra=extra or None,
            source=source,
            synthetic=synthetic,
        )
        if metadata:
            fields.cut_custom(cut)[fields.SOURCE_META] = metadata
        return cut

    def _with_defaults(self, cut: Cut) -> Cut:
        """Fill in the stage's language, speaker and synthetic flag where a reader left them out."""
        for sup in cut.supervisions:
            if sup.language is None and self.config.language:
                sup.language = self.config.language
            if sup.speaker is None and self.config.speaker and self.config.speaker != "{folder}":
                sup.speaker = self.config.speaker
        if self.config.synthetic:
            fields.cut_custom(cut)[fields.SYNTHETIC] = True
        return cut


def _read_sidecar(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ItemError("bad_transcript", f"transcript file {path.name} is not UTF-8 text") from None


def _is_true(value: object) -> bool:
    """A manifest flag: JSON true, or a csv cell such as ``true``, ``yes`` or ``1``."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)
