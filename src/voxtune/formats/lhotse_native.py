"""lhotse: the corpus's own manifests, plus Lhotse Shar shards for distributed training, both ways.

Export writes ``cuts.jsonl.gz`` (the corpus model as is, audio referenced where it lies),
``recordings.jsonl.gz`` and ``supervisions.jsonl.gz`` (lhotse recipes' pair, supervision times from
the recording start), and with ``shar`` on, ``shar/cuts.NNNNNN.jsonl.gz`` + ``shar/recording.NNNNNN.tar``
with each cut's audio inside, so the shards are self-contained and read sequentially.

Import takes a cuts manifest, a folder with one (or with recordings + supervisions manifests), or a
Shar folder; Shar audio is written out as FLAC files because a corpus keeps its audio on disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

import soundfile as sf
from lhotse import CutSet, Recording, RecordingSet, SupervisionSet
from lhotse.cut import Cut, MultiCut
from lhotse.shar import SharWriter
from lhotse.supervision import AlignmentItem
from lhotse.utils import fastcopy
from pydantic import Field

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import cut_from_dict, write_jsonl
from voxtune.errors import InputError, ItemError
from voxtune.formats.audio import cut_audio
from voxtune.formats.base import (
    Exporter,
    ExportLedger,
    ExportOptions,
    FormatSummary,
    Reader,
    ReaderOptions,
    SourceItem,
)
from voxtune.formats.items import export_name

CUTS_FILE = "cuts.jsonl.gz"
RECORDINGS_FILE = "recordings.jsonl.gz"
SUPERVISIONS_FILE = "supervisions.jsonl.gz"
SHAR_FOLDER = "shar"
SHAR_READER_KEYS = ("shard_origin", "shar_epoch")
"""Keys lhotse's Shar reader adds to every cut's custom dict (not part of the corpus)."""
_SHAR_CUTS = re.compile(r"^cuts\.(\d{6})\.jsonl(\.gz)?$")


class LhotseOptions(ExportOptions):
    shar: bool = True
    """Also write Lhotse Shar shards with the audio inside."""
    shard_size: int = Field(1000, ge=1)
    """Cuts per Shar shard."""
    audio_format: Literal["flac", "wav"] = "flac"
    """How audio is stored inside the Shar tar files."""


class LhotseExporter(Exporter):
    name = "lhotse"
    description = "lhotse manifests (cuts, recordings, supervisions) + Shar shards with audio"
    options_class = LhotseOptions
    options: LhotseOptions

    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        kept: list[Cut] = []
        summary = FormatSummary()
        writer = None
        if self.options.shar:
            (folder / SHAR_FOLDER).mkdir()
            writer = SharWriter(
                str(folder / SHAR_FOLDER),
                fields={"recording": self.options.audio_format},
                shard_size=self.options.shard_size,
            )
            writer.__enter__()
        try:
            for cut in cuts:
                with ledger.item(cut):
                    _check_sources(cut)
                    if writer is not None:
                        cut_audio(cut)  # a cut that cannot be read must not reach a tar file
                        writer.write(_for_shar(cut))
                    kept.append(cut)
                    summary.items += 1
                    summary.seconds += cut.duration
        finally:
            if writer is not None:
                writer.close()
        write_jsonl((cut.to_dict() for cut in kept), folder / CUTS_FILE)
        recordings = {cut.recording.id: cut.recording for cut in kept if cut.has_recording}
        RecordingSet.from_recordings(recordings.values()).to_file(folder / RECORDINGS_FILE)
        supervisions = [sup.with_offset(cut.start) for cut in kept for sup in cut.supervisions]
        SupervisionSet.from_segments(supervisions).to_file(folder / SUPERVISIONS_FILE)
        summary.files = len(writer.output_paths["recording"]) if writer is not None else 0
        summary.details["shards"] = summary.files
        return summary


def _check_sources(cut: Cut) -> None:
    if not cut.has_recording:
        raise ItemError("no_audio", "the cut has no recording")
    for source in cut.recording.sources:
        if source.type == "file" and not Path(source.source).is_file():
            raise ItemError("missing_file", f"audio file not found: {source.source}")


def _for_shar(cut: Cut) -> Cut:
    """The cut as Shar stores it: lhotse resets the cut start to 0 on reading Shar, but word
    alignments are recording-relative, so they are shifted here to match."""
    if not cut.start:
        return cut
    supervisions = [
        fastcopy(sup, alignment=_shift_alignment(sup.alignment, -cut.start)) if sup.alignment else sup
        for sup in cut.supervisions
    ]
    return fastcopy(cut, supervisions=supervisions)


def _shift_alignment(
    alignment: dict[str, list[AlignmentItem]], offset: float
) -> dict[str, list[AlignmentItem]]:
    return {
        kind: [
            AlignmentItem(symbol=i.symbol, start=i.start + offset, duration=i.duration, score=i.score)
            for i in items
        ]
        for kind, items in alignment.items()
    }


class LhotseReaderOptions(ReaderOptions):
    audio_format: Literal["flac", "wav"] = "flac"
    """Format of the audio files written out of Shar shards."""


class LhotseReader(Reader):
    name = "lhotse"
    description = "lhotse cuts manifest, recordings+supervisions manifests, or a Shar folder"
    options_class = LhotseReaderOptions
    options: LhotseReaderOptions

    def items(self, path: Path) -> Iterator[SourceItem]:
        if path.is_dir():
            shards = _shar_shards(path)
            if shards:
                yield from shards
                return
        cuts, manifest = _open_manifests(path)
        for cut in cuts:
            yield {"id": cut.id, "source": str(manifest), "cut": cut.to_dict()}

    def load(self, item: SourceItem, audio_dir: Path) -> list[Cut | Rejection]:
        if "shard" in item:
            return self._load_shard(item, audio_dir)
        cut = cut_from_dict(item["cut"])
        manifest_dir = Path(item["source"]).parent
        if cut.has_recording:
            sources = []
            for source in cut.recording.sources:
                if source.type == "file" and not Path(source.source).is_absolute():
                    beside = manifest_dir / source.source
                    if beside.is_file():
                        source = fastcopy(source, source=str(beside))
                sources.append(source)
            cut = fastcopy(cut, recording=fastcopy(cut.recording, sources=sources))
        _check_sources(cut)
        custom = fields.cut_custom(cut)
        custom.setdefault(fields.SOURCE, fields.source_of(cut))
        return [cut]

    def _load_shard(self, item: SourceItem, audio_dir: Path) -> list[Cut | Rejection]:
        shard = CutSet.from_shar(fields={"cuts": [item["source"]], "recording": [item["shard"]]})
        out: list[Cut | Rejection] = []
        for cut in shard:
            try:
                out.append(self._unpack(cut, audio_dir, item["source"]))
            except ItemError as exc:
                out.append(Rejection(id=cut.id, code=exc.code, reason=exc.reason, details=exc.details))
        return out

    def _unpack(self, cut: Cut, audio_dir: Path, shard: str) -> Cut:
        """Write a Shar cut's in-memory audio to a file and point a plain cut at it."""
        audio = cut_audio(cut)
        path = audio_dir / f"{export_name(cut.id)}.{self.options.audio_format}"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        sf.write(str(temporary), audio.T, cut.sampling_rate, format=self.options.audio_format.upper())
        temporary.replace(path)
        recording = Recording.from_file(path, recording_id=cut.recording.id)
        old_channels = cut.channel if isinstance(cut.channel, list) else [cut.channel]
        renumber = {old: new for new, old in enumerate(old_channels)}
        supervisions = [
            fastcopy(
                sup,
                channel=[renumber.get(c, 0) for c in sup.channel]
                if isinstance(sup.channel, list)
                else renumber.get(sup.channel, 0),
            )
            for sup in cut.supervisions
        ]
        channel: Any = list(range(len(old_channels))) if isinstance(cut, MultiCut) else 0
        custom = {k: v for k, v in (cut.custom or {}).items() if k not in SHAR_READER_KEYS}
        custom.setdefault(fields.SOURCE, shard)
        return fastcopy(
            cut, start=0.0, recording=recording, channel=channel, supervisions=supervisions, custom=custom
        )


def _shar_shards(folder: Path) -> list[SourceItem]:
    shards: list[SourceItem] = []
    for path in sorted(folder.iterdir()):
        match = _SHAR_CUTS.match(path.name)
        if not match:
            continue
        tar = folder / f"recording.{match.group(1)}.tar"
        if not tar.is_file():
            raise InputError(f"Shar shard {path.name} has no {tar.name} beside it", path=folder)
        shards.append({"id": f"shard-{match.group(1)}", "source": str(path), "shard": str(tar)})
    return shards


def _open_manifests(path: Path) -> tuple[CutSet, Path]:
    """The cuts of a manifest file, or of a folder's cuts manifest or recordings+supervisions pair."""
    if path.is_file():
        return CutSet.from_file(path), path
    if not path.is_dir():
        raise InputError("lhotse manifest or folder not found", path=path)
    for pattern in (CUTS_FILE, "*cuts*.jsonl*"):
        found = sorted(path.glob(pattern))
        if found:
            return CutSet.from_file(found[0]), found[0]
    recordings = sorted(path.glob("*recordings*.jsonl*"))
    supervisions = sorted(path.glob("*supervisions*.jsonl*"))
    if recordings:
        cuts = CutSet.from_manifests(
            recordings=RecordingSet.from_file(recordings[0]),
            supervisions=SupervisionSet.from_file(supervisions[0]) if supervisions else None,
        )
        return cuts, recordings[0]
    raise InputError(
        "no lhotse manifests here (cuts*.jsonl[.gz], recordings*.jsonl[.gz] or Shar cuts.NNNNNN.jsonl.gz)",
        path=path,
    )
