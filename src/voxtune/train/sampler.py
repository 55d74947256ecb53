"""Length-bucketed batches under a token budget, reproducible per (seed, epoch) for exact resume.

Hand-written rather than lhotse's DynamicBucketingSampler because the budget here is sequence
positions (text tokens + audio frames + context turns, known exactly after encoding), not seconds, and
because a resumable position is just (epoch, batch index) when an epoch's batches are a pure function
of the seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class SamplerState:
    epoch: int = 0
    position: int = 0
    """Batches of ``epoch`` already handed out (this rank's)."""


class BucketBatchSampler:
    """Batches of item indices whose ``size x longest`` stays within ``max_tokens``.

    With ``bucketing`` an epoch's items are sorted by length into ``buckets`` groups, shuffled inside
    each group, packed greedily, and the batches shuffled; without it items are packed in random order
    (the naive baseline). ``pools`` (index lists with weights) draw an epoch as a mix: each pool gives
    ``weight / sum(weights) x total`` items, cycling through its items in shuffled order. Batches are
    dealt round-robin to ``world`` ranks.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        *,
        max_tokens: int,
        max_batch_size: int,
        bucketing: bool = True,
        buckets: int = 10,
        shuffle: bool = True,
        seed: int = 0,
        pools: Sequence[tuple[Sequence[int], float]] | None = None,
        rank: int = 0,
        world: int = 1,
    ):
        if not lengths:
            raise ValueError("no items to batch")
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.max_tokens = max_tokens
        self.max_batch_size = max_batch_size
        self.bucketing = bucketing
        self.buckets = max(1, buckets)
        self.shuffle = shuffle
        self.seed = seed
        self.pools = [(np.asarray(ids, dtype=np.int64), float(w)) for ids, w in pools] if pools else None
        self.rank = rank
        self.world = world
        self.state = SamplerState()

    def _epoch_items(self, rng: np.random.Generator) -> np.ndarray:
        if not self.pools:
            items = np.arange(len(self.lengths))
            return rng.permutation(items) if self.shuffle else items
        total = sum(len(ids) for ids, _ in self.pools)
        weights = np.array([w for _, w in self.pools])
        counts = np.floor(weights / weights.sum() * total).astype(int)
        counts[np.argmax(weights)] += total - counts.sum()
        drawn = []
        for (ids, _), count in zip(self.pools, counts, strict=True):
            if len(ids) == 0 or count == 0:
                continue
            repeats = int(np.ceil(count / len(ids)))
            cycle = np.concatenate([rng.permutation(ids) for _ in range(repeats)])
            drawn.append(cycle[:count])
        items = np.concatenate(drawn) if drawn else np.arange(0)
        return rng.permutation(items)

    def _pack(self, items: np.ndarray) -> list[list[int]]:
        batches: list[list[int]] = []
        current: list[int] = []
        longest = 0
        for index in items.tolist():
            length = int(self.lengths[index])
            grown = max(longest, length)
            if current and (
                grown * (len(current) + 1) > self.max_tokens or len(current) >= self.max_batch_size
            ):
                batches.append(current)
                current, grown = [], length
            current.append(index)
            longest = grown
        if current:
            batches.append(current)
        return batches

    def epoch_batches(self, epoch: int) -> list[list[int]]:
        """Every batch of ``epoch`` (all ranks), a pure function of (seed, epoch)."""
        rng = np.random.default_rng([self.seed, epoch])
        items = self._epoch_items(rng)
        if not self.bucketing:
            batches = self._pack(items)
        else:
            ordered = items[np.argsort(self.lengths[items], kind="stable")]
            batches = []
            for group in np.array_split(ordered, min(self.buckets, max(1, len(ordered)))):
                batches.extend(self._pack(rng.permutation(group) if self.shuffle else group))
            if self.shuffle:
                batches = [batches[i] for i in rng.permutation(len(batches))]
        usable = len(batches) - len(batches) % self.world if len(batches) >= self.world else len(batches)
        return batches[:usable]

    def rank_batches(self, epoch: int) -> list[list[int]]:
        return self.epoch_batches(epoch)[self.rank :: self.world]

    def __iter__(self) -> Iterator[list[int]]:
        """Batches from the saved position on, epoch after epoch (endless); the state follows along."""
        while True:
            batches = self.rank_batches(self.state.epoch)
            while self.state.position < len(batches):
                batch = batches[self.state.position]
                self.state.position += 1
                yield batch
            self.state.epoch += 1
            self.state.position = 0

    def one_pass(self) -> list[list[int]]:
        """This rank's batches of epoch 0 without moving the state (evaluation)."""
        return self.rank_batches(0)


def padding_ratio(batches: Sequence[Sequence[int]], lengths: Sequence[int]) -> float:
    """Share of padded positions over all the batches."""
    lengths = np.asarray(lengths)
    real = sum(int(lengths[b].sum()) for b in batches)
    padded = sum(int(lengths[b].max()) * len(b) for b in batches)
    return 1.0 - real / padded if padded else 0.0
