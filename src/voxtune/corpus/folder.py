"""A corpus folder as `voxtune prepare` writes it, and what other commands read from it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lhotse import CutSet

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection, read_ledger
from voxtune.corpus.manifest import read_cuts
from voxtune.corpus.stats import CorpusStats, compute_stats
from voxtune.errors import InputError

CUTS_FILE = "cuts.jsonl.gz"
LEDGER_FILE = "rejected.jsonl"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.html"
STAGES_DIR = "stages"
AUDIO_DIR = "audio"


@dataclass(frozen=True)
class Corpus:
    """A prepared corpus: ``cuts.jsonl.gz`` (the items), ``rejected.jsonl`` (the ledger), audio files."""

    root: Path

    @classmethod
    def open(cls, root: str | Path) -> Corpus:
        root = Path(root)
        if not root.is_dir():
            raise InputError(
                "corpus folder not found", path=root, hint="Pass the --out folder of `voxtune prepare`"
            )
        if not (root / CUTS_FILE).is_file():
            raise InputError(
                f"no {CUTS_FILE} in this folder, so it is not a prepared corpus",
                path=root,
                hint="Run `voxtune prepare RECIPE.yaml --out` to this folder first",
            )
        return cls(root)

    @property
    def cuts_path(self) -> Path:
        return self.root / CUTS_FILE

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER_FILE

    def cuts(self, split: str | None = None) -> CutSet:
        """All cuts, lazily; with ``split`` only those of that split."""
        cuts = read_cuts(self.cuts_path)
        if split is None:
            return cuts
        return cuts.filter(lambda cut: (cut.custom or {}).get(fields.SPLIT) == split)

    def rejections(self) -> Iterator[Rejection]:
        return read_ledger(self.ledger_path)

    def stats(self, split: str | None = None) -> CorpusStats:
        return compute_stats(self.cuts(split))
