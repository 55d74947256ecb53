"""commonvoice: a Mozilla Common Voice language folder (``clips/*.mp3`` + ``*.tsv``), import only.

Each chosen table (``train``, ``dev``, ``test`` by default; ``validated``, ``other``... on request)
gives one item per row: ``sentence`` is the text, ``client_id`` the speaker, ``locale`` the language
(the folder name when the table has no such column), ``gender`` goes on the supervision and the
other filled-in columns (age, accents, votes, ...) travel in its custom fields. ``dev`` rows become
the ``validation`` split, ``train`` and ``test`` their own. The mp3 clips stay where they are:
libsndfile >= 1.1 decodes MP3, so no conversion is needed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.errors import InputError
from voxtune.formats.base import Reader, ReaderOptions, SourceItem
from voxtune.sources.items import cut_from_file

SPLITS = {"train": "train", "dev": "validation", "test": "test"}
KNOWN_COLUMNS = {"client_id", "path", "sentence", "locale", "gender", "sentence_id"}


class CommonVoiceOptions(ReaderOptions):
    tables: list[str] = ["train", "dev", "test"]
    """Which ``<name>.tsv`` tables to read (a clip listed in two of them is refused)."""
    clips_folder: str = "clips"


class CommonVoiceReader(Reader):
    name = "commonvoice"
    description = "a Common Voice language folder: clips/ + train/dev/test.tsv (mp3 read directly)"
    options_class = CommonVoiceOptions
    options: CommonVoiceOptions

    def items(self, path: Path) -> Iterator[SourceItem]:
        if path.is_file():
            folder, tables = path.parent, [path]
        elif path.is_dir():
            folder = path
            tables = [path / f"{name}.tsv" for name in self.options.tables]
            missing = [table.name for table in tables if not table.is_file()]
            if missing:
                present = ", ".join(sorted(p.name for p in path.glob("*.tsv"))) or "none"
                raise InputError(
                    f"Common Voice table(s) not found: {', '.join(missing)}",
                    path=path,
                    hint=f"Tables here: {present}; choose with -O tables=[...]",
                )
        else:
            raise InputError("Common Voice folder not found", path=path)
        clips = folder / self.options.clips_folder
        seen: dict[str, str] = {}
        for table in tables:
            split = SPLITS.get(table.stem)
            with table.open(encoding="utf-8", newline="") as handle:
                rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if not rows.fieldnames or not {"path", "sentence"} <= set(rows.fieldnames):
                    raise InputError(
                        "not a Common Voice table: needs 'path' and 'sentence' columns", path=table
                    )
                for number, row in enumerate(rows, start=2):
                    clip = (row.get("path") or "").strip()
                    if not clip:
                        raise InputError(f"line {number} names no clip", path=table)
                    item_id = Path(clip).stem
                    if item_id in seen:
                        raise InputError(
                            f"line {number}: clip {clip} is also listed in {seen[item_id]}",
                            path=table,
                            hint="Read tables that do not overlap (validated.tsv holds train/dev/test)",
                        )
                    seen[item_id] = table.name
                    extra = {
                        k: v for k, v in row.items() if k not in KNOWN_COLUMNS and k and v not in (None, "")
                    }
                    item: SourceItem = {
                        "id": item_id,
                        "source": str(clips / clip),
                        "text": row.get("sentence"),
                        "speaker": row.get("client_id") or None,
                        "language": row.get("locale") or folder.name,
                        "gender": row.get("gender") or None,
                        "split": split,
                    }
                    if extra:
                        item["extra"] = extra
                    yield item

    def load(self, item: SourceItem, audio_dir: Path) -> list[Cut]:
        cut = cut_from_file(
            Path(item["source"]),
            item["id"],
            text=item.get("text"),
            speaker=item.get("speaker"),
            language=item.get("language"),
            extra=item.get("extra"),
        )
        cut.supervisions[0].gender = item.get("gender")
        if item.get("split"):
            fields.cut_custom(cut)[fields.SPLIT] = item["split"]
        return [cut]
