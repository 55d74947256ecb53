"""What an export format and an import reader are, and the ledger of items an export leaves out.

An ``Exporter`` writes cuts into one trainer's layout inside a folder it is given (the export driver
owns refusing a non-empty output and the temporary-folder-then-rename); it rejects an item it cannot
take by raising ``ItemError`` inside ``ledger.item(cut)``. A ``Reader`` is the inverse: it lists the
items of a folder in that layout (cheap, JSON-able) and loads each into cuts, which is exactly what
the ingest stage needs, so imports run through the prepare runner with its resume and ledger.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from lhotse.cut import Cut
from pydantic import Field

from voxtune.config import StrictModel
from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection
from voxtune.errors import ItemError

SUMMARY_FILE = "voxtune_export.json"
"""Written into every export folder: format, options, counts and the export ledger (not a .jsonl,
so trainers that glob a folder for ``*jsonl`` never mistake it for data)."""

SourceItem = dict[str, Any]
"""One input item a reader found: JSON-able, with at least ``id`` and ``source`` (as for ingest)."""


class ExportOptions(StrictModel):
    """Settings every export format has; each format adds its own."""

    max_seconds: float | None = Field(None, gt=0)
    """Items longer than this go to the export ledger (``too_long``) instead of into the export."""


class ReaderOptions(StrictModel):
    """Settings of an import reader (given as ``options:`` of the ingest stage)."""


class ExportLedger:
    """Items an export left out, each with a short code and a reason a person can act on."""

    def __init__(self, format_name: str):
        self.stage = f"export:{format_name}"
        self.rejections: list[Rejection] = []

    def reject(self, cut: Cut, code: str, reason: str, **details: Any) -> None:
        self.rejections.append(
            Rejection(
                id=cut.id,
                code=code,
                reason=reason,
                stage=self.stage,
                source=fields.source_of(cut),
                details=details,
            )
        )

    @contextlib.contextmanager
    def item(self, cut: Cut) -> Iterator[None]:
        """Run the body for one item; an ItemError puts the item in the ledger instead of failing."""
        try:
            yield
        except ItemError as exc:
            self.reject(cut, exc.code, exc.reason, **exc.details)

    def counts(self) -> Counter[str]:
        return Counter(r.code for r in self.rejections)


@dataclass
class FormatSummary:
    """What an exporter wrote: items, audio files and seconds, plus format-specific facts."""

    items: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class Exporter(ABC):
    """Writes cuts in one trainer's layout."""

    name: ClassVar[str]
    description: ClassVar[str]
    options_class: ClassVar[type[ExportOptions]] = ExportOptions

    def __init__(self, options: ExportOptions):
        self.options = options

    def check(self, cuts: Iterable[Cut]) -> None:  # noqa: B027 - optional hook
        """Refuse, before anything is written, settings that cannot work for these cuts (ConfigError)."""

    @abstractmethod
    def write(self, cuts: Iterable[Cut], folder: Path, ledger: ExportLedger) -> FormatSummary:
        """Write the export into ``folder`` (empty, temporary); reject items through ``ledger``."""


class Reader(ABC):
    """Reads a corpus in some layout back as cuts."""

    name: ClassVar[str]
    description: ClassVar[str]
    options_class: ClassVar[type[ReaderOptions]] = ReaderOptions

    def __init__(self, options: ReaderOptions):
        self.options = options

    @abstractmethod
    def items(self, path: Path) -> Iterator[SourceItem]:
        """The input items in a deterministic order (cheap: list files and rows, do not decode)."""

    @abstractmethod
    def load(self, item: SourceItem, audio_dir: Path) -> Sequence[Cut | Rejection]:
        """Cuts for one item; raise ItemError to reject it (or return a Rejection for one of
        several cuts). Audio the reader must create goes in ``audio_dir``, written atomically."""
