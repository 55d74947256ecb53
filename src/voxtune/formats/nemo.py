"""nemo: NeMo JSON-lines manifests (``{"audio_filepath", "duration", "text", ...}``), both ways.

Export writes ``audio/<id>.wav`` and one ``<split>_manifest.json`` per split (JSON lines, as NeMo
names them), with paths relative to the manifest (NeMo resolves them against its folder). Besides
NeMo's keys each line keeps ``id``, ``lang``, ``speaker`` (an integer, as NeMo's TTS datasets
want), ``speaker_name`` and ``text_original``; NeMo ignores keys it does not know.

Import reads any such manifest, including segment manifests with ``offset`` into longer files.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lhotse.cut import Cut
from lhotse.utils import fastcopy
from pydantic import Field

from voxtune.corpus import fields
from voxtune.corpus.manifest import write_jsonl
from voxtune.errors import InputError, ItemError
from voxtune.formats.audio import mono_audio, write_wav
from voxtune.formats.base import (
    Exporter,
    ExportLedger,
    ExportOptions,
    FormatSummary,
    Reader,
    ReaderOptions,
    SourceItem,
)
from voxtune.formats.items import export_name, item_text, speaker_index, split_of
from voxtune.sources.items import cut_from_file

AUDIO_FOLDER = "audio"
MANIFEST_SUFFIX = "_manifest.json"
SPLIT_NAMES = {"train": "train", "training": "train", "dev": "validation", "val": "validation",
               "valid": "validation", "validation": "validation", "test": "test"}  # fmt: skip


class NemoOptions(ExportOptions):
    sample_rate: int = Field(16000, ge=8000, le=96000)
    """NeMo ASR models take 16 kHz; TTS recipes use 22.05 or 44.1 kHz."""


class NemoExporter(Exporter):
    name = "nemo"
    description = "NeMo JSON-lines manifests per split (audio_filepath, duration, text, ...) + audio/"
    options_class = NemoOptions
    options: NemoOptions

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        speakers = speaker_index({sup.speaker for cut in cuts for sup in cut.supervisions if sup.speaker})
        rate = self.options.sample_rate
        manifests: dict[str, list[dict[str, Any]]] = defaultdict(list)
        summary = FormatSummary(details={"speakers": {str(i): s for s, i in speakers.items()}})
        for cut in cuts:
            with ledger.item(cut):
                name = export_name(cut.id)
                text = item_text(cut)
                relative = f"{AUDIO_FOLDER}/{name}.wav"
                duration = write_wav(folder / relative, mono_audio(cut, rate), rate)
                line: dict[str, Any] = {
                    "audio_filepath": relative,
                    "duration": duration,
                    "text": text.text,
                    "id": cut.id,
                    "text_original": text.original,
                }
                if text.language:
                    line["lang"] = text.language
                if text.speaker:
                    line["speaker"] = speakers[text.speaker]
                    line["speaker_name"] = text.speaker
                manifests[split_of(cut)].append(line)
                summary.items += 1
                summary.files += 1
                summary.seconds += duration
        for split, lines in manifests.items():
            write_jsonl(lines, folder / f"{split}{MANIFEST_SUFFIX}")
        summary.details["manifests"] = sorted(f"{split}{MANIFEST_SUFFIX}" for split in manifests)
        return summary


class NemoReaderOptions(ReaderOptions):
    audio_root: str | None = None
    """Folder that relative ``audio_filepath``s start from (default: the manifest's folder)."""


class NemoReader(Reader):
    name = "nemo"
    description = "NeMo JSON-lines manifest(s): a file, or a folder of *manifest*.json[l] files"
    options_class = NemoReaderOptions
    options: NemoReaderOptions

    def items(self, path: Path) -> Iterator[SourceItem]:
        if path.is_dir():
            manifests = sorted(p for p in path.glob("*manifest*.json*") if p.is_file())
        else:
            manifests = [path] if path.is_file() else []
        if not manifests:
            raise InputError(
                "no NeMo manifest found", path=path, hint="Point at a manifest file or its folder"
            )
        seen: set[str] = set()
        for manifest in manifests:
            root = Path(self.options.audio_root) if self.options.audio_root else manifest.parent
            split = _split_from_name(manifest.name)
            for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number} is not valid JSON ({exc.msg})", path=manifest) from None
                audio_name = entry.get("audio_filepath") or entry.get("audio_filename")
                if not isinstance(audio_name, str) or not audio_name:
                    raise InputError(f'line {number} has no "audio_filepath"', path=manifest)
                audio = Path(audio_name) if Path(audio_name).is_absolute() else root / audio_name
                item = _item(entry, audio, audio_name, split)
                if item["id"] in seen:
                    raise InputError(f"line {number} repeats the id '{item['id']}'", path=manifest)
                seen.add(item["id"])
                yield item

    def load(self, item: SourceItem, audio_dir: Path) -> list[Cut]:
        cut = cut_from_file(
            Path(item["source"]),
            item["id"],
            text=item.get("text"),
            speaker=item.get("speaker"),
            language=item.get("language"),
        )
        offset = float(item.get("offset") or 0.0)
        if offset or item.get("window"):
            if offset >= cut.duration:
                raise ItemError("bad_offset", f"offset {offset:.2f} s is past the end of the file")
            duration = min(float(item.get("duration") or cut.duration), cut.duration - offset)
            window = cut.truncate(offset=offset, duration=duration, preserve_id=True)
            sup = fastcopy(cut.supervisions[0], start=0.0, duration=window.duration)
            cut = fastcopy(window, supervisions=[sup])
        if item.get("text_original") and cut.supervisions[0].custom is not None:
            cut.supervisions[0].custom[fields.TEXT_ORIGINAL] = item["text_original"]
        if item.get("split"):
            fields.cut_custom(cut)[fields.SPLIT] = item["split"]
        return [cut]


def _item(entry: dict[str, Any], audio: Path, audio_name: str, split: str | None) -> SourceItem:
    stem = Path(audio_name).with_suffix("").as_posix().lstrip("/")
    offset = entry.get("offset")
    item_id = entry.get("id")
    if not item_id:
        item_id = f"{stem}_{round(float(offset) * 1000):08d}" if offset else stem
    speaker = entry.get("speaker_name", entry.get("speaker"))
    item: SourceItem = {
        "id": str(item_id),
        "source": str(audio),
        "text": entry.get("text", entry.get("normalized_text")),
        "text_original": entry.get("text_original"),
        "speaker": None if speaker is None else str(speaker),
        "language": entry.get("lang") or entry.get("language"),
        "split": split,
    }
    if offset:
        item.update(offset=float(offset), duration=entry.get("duration"), window=True)
    return item


def _split_from_name(name: str) -> str | None:
    for part in name.lower().replace("-", "_").replace(".", "_").split("_"):
        if part in SPLIT_NAMES:
            return SPLIT_NAMES[part]
    return None
