"""Export a prepared corpus (or one split of it) to a trainer's format, all or nothing.

The output folder is refused before anything is read if it holds anything; the export is written
into a temporary sibling and renamed into place at the end; items the format cannot take are listed,
with reasons, in ``voxtune_export.json`` beside the data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voxtune.config import validate
from voxtune.corpus.folder import Corpus
from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import write_json
from voxtune.errors import InputError
from voxtune.formats.base import SUMMARY_FILE, ExportLedger
from voxtune.formats.registry import get_exporter
from voxtune.formats.staging import check_output_folder, staged_folder


@dataclass
class ExportResult:
    """What an export wrote and what it left out."""

    format: str
    folder: Path
    items: int
    files: int
    seconds: float
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rejections)


def export_corpus(
    corpus: str | Path | Corpus,
    format: str,
    out: str | Path,
    *,
    split: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ExportResult:
    """Write ``corpus`` (only ``split`` when given) to ``out`` in ``format`` with format ``options``.

    Raises ConfigError for unknown formats or bad options, InputError for a non-empty ``out`` or an
    empty selection, before anything is written.
    """
    exporter_class = get_exporter(format)
    settings = validate(exporter_class.options_class, dict(options or {}), where=f"export options ({format})")
    out = Path(out).absolute()
    check_output_folder(out)
    corpus = corpus if isinstance(corpus, Corpus) else Corpus.open(corpus)
    cuts = corpus.cuts(split)
    ledger = ExportLedger(format)
    total = 0
    too_long: set[str] = set()
    for cut in cuts:
        total += 1
        if settings.max_seconds is not None and cut.duration > settings.max_seconds:
            too_long.add(cut.id)
            ledger.reject(
                cut,
                "too_long",
                f"{cut.duration:.1f} s is longer than max_seconds={settings.max_seconds:g}",
                seconds=cut.duration,
            )
    if total == 0:
        raise InputError(
            "nothing to export: " + (f"no items in split '{split}'" if split else "the corpus is empty"),
            path=corpus.root,
            hint="Check the split name with `voxtune corpus info`" if split else None,
        )
    selected = cuts.filter(lambda cut: cut.id not in too_long) if too_long else cuts
    exporter = exporter_class(settings)
    exporter.check(selected)
    with staged_folder(out) as folder:
        summary = exporter.write(selected, folder, ledger)
        write_json(
            {
                "format": format,
                "options": settings.model_dump(mode="json"),
                "corpus": str(corpus.root),
                "corpus_cuts_sha256": corpus_digest(corpus),
                "split": split,
                "items": summary.items,
                "files": summary.files,
                "seconds": summary.seconds,
                "rejected": len(ledger.rejections),
                "rejected_by_code": dict(ledger.counts()),
                "warnings": summary.warnings,
                "details": summary.details,
                "rejections": [r.to_dict() for r in ledger.rejections],
            },
            folder / SUMMARY_FILE,
        )
    return ExportResult(
        format=format,
        folder=out,
        items=summary.items,
        files=summary.files,
        seconds=summary.seconds,
        rejections=ledger.rejections,
        warnings=summary.warnings,
        details=summary.details,
    )


def corpus_digest(corpus: Corpus) -> str:
    """SHA-256 of the corpus's cut manifest, so a later run can tell whether an export is current."""
    digest = hashlib.sha256()
    with corpus.cuts_path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
