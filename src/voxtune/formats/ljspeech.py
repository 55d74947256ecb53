"""ljspeech: ``wavs/<id>.wav`` + ``metadata.csv`` as Piper and Coqui TTS read it, both ways.

``metadata.csv`` has no header and no quoting, ``|`` between columns:

* one speaker: ``id|text|normalized_text`` (LJSpeech itself; Coqui reads column 3, Piper the last);
* several speakers: ``id|speaker|text`` (Piper's multi-speaker layout; the text is the spoken form).

``text`` is the transcript as it came in (``text_original``), ``normalized_text`` the spoken form
the corpus trains on (``supervision.text``). Ids may hold folders (``wavs/ben/clip2.wav``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from lhotse.cut import Cut
from pydantic import Field

from voxtune.corpus import fields
from voxtune.corpus.manifest import read_json
from voxtune.errors import InputError, ItemError
from voxtune.formats.audio import mono_audio, write_wav
from voxtune.formats.base import (
    SUMMARY_FILE,
    Exporter,
    ExportLedger,
    ExportOptions,
    FormatSummary,
    Reader,
    ReaderOptions,
    SourceItem,
)
from voxtune.formats.items import export_name, item_text, single_line
from voxtune.sources.items import AUDIO_EXTENSIONS, cut_from_file

METADATA_FILE = "metadata.csv"
WAVS_FOLDER = "wavs"


class LjspeechOptions(ExportOptions):
    sample_rate: int = Field(22050, ge=8000, le=96000)
    """Piper trains at 22.05 kHz (or 16 kHz for its low-quality voices)."""
    speaker_column: bool | None = None
    """Write ``id|speaker|text``; by default only when the export holds more than one speaker."""


class LjspeechExporter(Exporter):
    name = "ljspeech"
    description = "LJSpeech layout for Piper / Coqui: wavs/ + metadata.csv (id|text|normalized_text)"
    options_class = LjspeechOptions
    options: LjspeechOptions

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        speakers = {sup.speaker for cut in cuts for sup in cut.supervisions if sup.speaker}
        with_speaker = self.options.speaker_column
        if with_speaker is None:
            with_speaker = len(speakers) > 1
        rate = self.options.sample_rate
        lines: list[str] = []
        summary = FormatSummary(details={"speaker_column": with_speaker, "speakers": len(speakers)})
        for cut in cuts:
            with ledger.item(cut):
                name = export_name(cut.id)
                text = item_text(cut)
                normalized = single_line(text.text, "transcript")
                if with_speaker:
                    if not text.speaker:
                        raise ItemError("no_speaker", "a multi-speaker metadata.csv needs a speaker per item")
                    row = [name, single_line(text.speaker, "speaker id"), normalized]
                else:
                    row = [name, single_line(text.original, "original transcript"), normalized]
                duration = write_wav(folder / WAVS_FOLDER / f"{name}.wav", mono_audio(cut, rate), rate)
                lines.append("|".join(row))
                summary.items += 1
                summary.files += 1
                summary.seconds += duration
        (folder / METADATA_FILE).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return summary


class LjspeechReaderOptions(ReaderOptions):
    layout: Literal["auto", "text", "speaker"] = "auto"
    """``text``: id|text[|normalized_text]; ``speaker``: id|speaker|text; ``auto``: what a voxtune
    export recorded, else ``text``."""
    audio_folder: str = WAVS_FOLDER
    """Folder (next to metadata.csv) holding the audio files."""


class LjspeechReader(Reader):
    name = "ljspeech"
    description = "an LJSpeech-style folder (metadata.csv + wavs/), as Piper and Coqui use"
    options_class = LjspeechReaderOptions
    options: LjspeechReaderOptions

    def items(self, path: Path) -> Iterator[SourceItem]:
        metadata = path / METADATA_FILE if path.is_dir() else path
        if not metadata.is_file():
            raise InputError(f"no {METADATA_FILE} found", path=path, hint="Point at the dataset folder")
        layout = self._layout(metadata.parent)
        audio_root = metadata.parent / self.options.audio_folder
        seen: set[str] = set()
        count = 0
        for number, line in enumerate(metadata.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            columns = line.split("|")
            if len(columns) not in (2, 3) or (layout == "speaker" and len(columns) != 3):
                wanted = "id|speaker|text" if layout == "speaker" else "id|text or id|text|normalized_text"
                raise InputError(
                    f"line {number} has {len(columns)} columns, expected {wanted}", path=metadata
                )
            name = columns[0].strip()
            has_suffix = name.lower().endswith(AUDIO_EXTENSIONS)
            audio = audio_root / (name if has_suffix else f"{name}.wav")
            item_id = Path(name).with_suffix("").as_posix() if has_suffix else name
            if item_id in seen:
                raise InputError(f"line {number} repeats the id '{item_id}'", path=metadata)
            seen.add(item_id)
            item: SourceItem = {"id": item_id, "source": str(audio)}
            if layout == "speaker":
                item.update(speaker=columns[1], text=columns[2], text_original=columns[2])
            else:
                item.update(text=columns[-1], text_original=columns[1])
            count += 1
            yield item
        if not count:
            raise InputError(f"{METADATA_FILE} has no rows", path=metadata)

    def load(self, item: SourceItem, audio_dir: Path) -> list[Cut]:
        cut = cut_from_file(Path(item["source"]), item["id"], text=item["text"], speaker=item.get("speaker"))
        custom = cut.supervisions[0].custom
        custom[fields.TEXT_ORIGINAL] = item["text_original"]
        return [cut]

    def _layout(self, folder: Path) -> str:
        if self.options.layout != "auto":
            return self.options.layout
        summary = folder / SUMMARY_FILE
        if summary.is_file():
            details = read_json(summary).get("details", {})
            return "speaker" if details.get("speaker_column") else "text"
        return "text"
