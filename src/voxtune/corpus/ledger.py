"""The rejection ledger: every item a stage drops is recorded with the stage, the file and a reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voxtune.corpus.manifest import read_jsonl, write_jsonl


@dataclass(frozen=True)
class Rejection:
    """One item that did not make it into a stage's output, and why.

    ``code`` is short and stable for counting (``low_snr``); ``reason`` is what a person reads;
    ``parent`` is the input item the rejected one came from (differs from ``id`` for segments);
    ``source`` is the original file or URL so the user can go and look.
    """

    id: str
    code: str
    reason: str
    stage: str = ""
    parent: str | None = None
    source: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rejection:
        return cls(**data)


def write_ledger(rejections: Iterable[Rejection], path: str | Path) -> int:
    return write_jsonl((r.to_dict() for r in rejections), path)


def read_ledger(path: str | Path) -> Iterator[Rejection]:
    path = Path(path)
    if not path.exists():
        return iter(())
    return (Rejection.from_dict(record) for record in read_jsonl(path))


def count_by_reason(rejections: Iterable[Rejection]) -> Counter[tuple[str, str]]:
    """How many rejections each (stage, code) pair has."""
    return Counter((r.stage, r.code) for r in rejections)
