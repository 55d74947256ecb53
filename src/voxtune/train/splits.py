"""Train / validation split of a corpus for a run: the corpus's own ``split`` field, or a held-out set.

Without a ``split`` field every stage holds out ``ceil(fraction x n)`` of its own items (at least one
when it has two), choosing those with the lowest hash of their id; the union of those picks is the
run's validation set, so no item is trained on in one stage and validated on in another.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lhotse.cut import Cut

from voxtune.corpus import fields


@dataclass(frozen=True)
class RunSplit:
    """Ids of validation items and whether they come from the corpus's own split field."""

    validation: frozenset[str]
    from_corpus: bool
    excluded: frozenset[str] = frozenset()
    """Items the corpus puts in ``test`` (never trained or validated on)."""

    def is_validation(self, cut: Cut) -> bool:
        return cut.id in self.validation

    def is_train(self, cut: Cut) -> bool:
        return cut.id not in self.validation and cut.id not in self.excluded


def id_rank(cut_id: str) -> int:
    return int.from_bytes(hashlib.sha256(cut_id.encode()).digest()[:8], "big")


def held_out(ids: Sequence[str], fraction: float) -> set[str]:
    """The ``ceil(fraction x n)`` ids with the lowest hash (none from a set of one)."""
    if len(ids) < 2:
        return set()
    count = min(len(ids) - 1, max(1, math.ceil(fraction * len(ids))))
    return set(sorted(ids, key=id_rank)[:count])


def corpus_has_splits(cuts: Iterable[Cut]) -> bool:
    return any((cut.custom or {}).get(fields.SPLIT) for cut in cuts)


def split_run(cuts: Sequence[Cut], stage_selections: Iterable[Sequence[Cut]], fraction: float) -> RunSplit:
    """The run's split: the corpus's own if it has one, else per-stage hash hold-outs (see module doc)."""
    if corpus_has_splits(cuts):
        validation = {c.id for c in cuts if (c.custom or {}).get(fields.SPLIT) == "validation"}
        test = {c.id for c in cuts if (c.custom or {}).get(fields.SPLIT) == "test"}
        return RunSplit(frozenset(validation), from_corpus=True, excluded=frozenset(test))
    chosen: set[str] = set()
    for selection in stage_selections:
        chosen |= held_out([c.id for c in selection], fraction)
    return RunSplit(frozenset(chosen), from_corpus=False)
