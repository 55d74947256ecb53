"""A stage's items, checked and encoded once before training: splitting, the ledger, lengths.

Encoding every item up front runs the codec once per recording (the codes land in the codec cache),
measures each item's exact length for bucketing, and sends unusable items to the run's ledger with
a reason, so the training loop only ever sees items that work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection, write_ledger
from voxtune.errors import ItemError
from voxtune.models.base import Example, ItemEncoder
from voxtune.train.long_items import split_to_fit


@dataclass
class RunLedger:
    """Items a run could not train on (once per item and reason), written to ``rejected.jsonl``."""

    path: Path
    entries: dict[tuple[str, str], Rejection] = field(default_factory=dict)

    def add(self, cut: Cut, error: ItemError, stage: str) -> None:
        key = (cut.id, error.code)
        if key not in self.entries:
            self.entries[key] = Rejection(
                id=cut.id,
                code=error.code,
                reason=error.reason,
                stage=f"train:{stage}",
                source=fields.source_of(cut),
                details=dict(error.details),
            )

    def write(self) -> None:
        write_ledger(self.entries.values(), self.path)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass
class EncodedItems:
    """Usable items of one split of one stage, with their exact lengths; examples are rebuilt from
    the codec cache on access, so memory holds cuts, not tensors."""

    cuts: list[Cut]
    lengths: list[int]
    encoder: ItemEncoder
    contexts: Mapping[str, Sequence[Cut]] = field(default_factory=dict)
    rejected: int = 0

    def __len__(self) -> int:
        return len(self.cuts)

    def example(self, index: int) -> Example:
        cut = self.cuts[index]
        return self.encoder.encode(cut, self.contexts.get(cut.id, ()))


def encode_items(
    cuts: Iterable[Cut],
    encoder: ItemEncoder,
    *,
    ledger: RunLedger,
    stage: str,
    contexts: Mapping[str, Sequence[Cut]] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> EncodedItems:
    """Split items longer than the model's context, encode each (filling the codec cache), and keep
    the ones that work; the rest go to ``ledger``."""
    cuts = list(cuts)
    contexts = contexts or {}
    kept: list[Cut] = []
    lengths: list[int] = []
    rejected = 0

    def fits(piece: Cut) -> bool:
        return encoder.length(piece) <= encoder.limit

    for done, cut in enumerate(cuts, start=1):
        try:
            pieces = split_to_fit(cut, fits)
        except ItemError as error:
            ledger.add(cut, error, stage)
            rejected += 1
            pieces = []
        for piece in pieces:
            try:
                example = encoder.encode(piece, contexts.get(piece.id, ()))
            except ItemError as error:
                ledger.add(piece, error, stage)
                rejected += 1
                continue
            kept.append(piece)
            lengths.append(example.length)
        if on_progress is not None:
            on_progress(done, len(cuts))
    return EncodedItems(kept, lengths, encoder, contexts, rejected)


def conversation_contexts(cuts: Iterable[Cut]) -> dict[str, list[Cut]]:
    """For each cut of a conversation (``cut.custom["conversation"]``), the cuts before it in order
    (by position in the recording, then id)."""
    by_conversation: dict[str, list[Cut]] = defaultdict(list)
    for cut in cuts:
        conversation = (cut.custom or {}).get(fields.CONVERSATION)
        if conversation:
            by_conversation[str(conversation)].append(cut)
    contexts: dict[str, list[Cut]] = {}
    for turns in by_conversation.values():
        turns.sort(key=lambda c: (c.recording_id if c.has_recording else "", c.start, c.id))
        for position, cut in enumerate(turns):
            contexts[cut.id] = turns[:position]
    return contexts
