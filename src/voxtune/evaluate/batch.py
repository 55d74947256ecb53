"""Score many items with a per-item metric, collecting failures instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from voxtune.errors import ItemError
from voxtune.evaluate.errors import ItemFailure

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class BatchScores(Generic[R]):
    """Per-item results keyed by item id, and the items that could not be scored."""

    results: dict[str, R]
    failures: tuple[ItemFailure, ...]

    @property
    def attempted(self) -> int:
        return len(self.results) + len(self.failures)


def score_items(items: Iterable[tuple[str, T]], score: Callable[[T], R]) -> BatchScores[R]:
    """Apply ``score`` to each ``(item_id, item)``; an :class:`~voxtune.errors.ItemError` (such as
    :class:`~voxtune.evaluate.errors.UnscorableError` or a speaker-embedding rejection) becomes a
    failure. Any other exception propagates: it is a bug or a broken backend, not the item's fault.
    """
    results: dict[str, R] = {}
    failures: list[ItemFailure] = []
    for item_id, item in items:
        try:
            results[item_id] = score(item)
        except ItemError as error:
            failures.append(ItemFailure.from_error(item_id, error))
    return BatchScores(results=results, failures=tuple(failures))
