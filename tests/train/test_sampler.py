"""Length-bucketed batching: the token budget, far less padding than random batches, reproducible
epochs, an exact resume position, mixes and ranks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from voxtune.models.registry import get_family
from voxtune.sources.items import cut_from_file
from voxtune.train.sampler import BucketBatchSampler, SamplerState, padding_ratio

RNG = np.random.default_rng(0)
LENGTHS = RNG.integers(20, 400, size=300).tolist()


def test_batches_respect_the_token_budget_and_cover_every_item_once() -> None:
    sampler = BucketBatchSampler(LENGTHS, max_tokens=1200, max_batch_size=8, seed=3)
    batches = sampler.epoch_batches(0)
    assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
    for batch in batches:
        assert len(batch) <= 8
        assert len(batch) == 1 or max(LENGTHS[i] for i in batch) * len(batch) <= 1200


def test_epochs_are_reproducible_and_differ_from_each_other() -> None:
    a = BucketBatchSampler(LENGTHS, max_tokens=1200, max_batch_size=8, seed=3)
    b = BucketBatchSampler(LENGTHS, max_tokens=1200, max_batch_size=8, seed=3)
    assert a.epoch_batches(0) == b.epoch_batches(0)
    assert a.epoch_batches(0) != a.epoch_batches(1)
    assert a.epoch_batches(0) != BucketBatchSampler(
        LENGTHS, max_tokens=1200, max_batch_size=8, seed=4
    ).epoch_batches(0)


def test_iteration_resumes_exactly_from_a_saved_position() -> None:
    def sampler() -> BucketBatchSampler:
        return BucketBatchSampler(LENGTHS[:40], max_tokens=800, max_batch_size=4, seed=1)

    straight = sampler()
    stream = iter(straight)
    expected = [next(stream) for _ in range(30)]  # crosses into later epochs
    first = sampler()
    stream = iter(first)
    head = [next(stream) for _ in range(13)]
    saved = SamplerState(**vars(first.state))
    resumed = sampler()
    resumed.state = saved
    stream = iter(resumed)
    assert head + [next(stream) for _ in range(17)] == expected


def test_a_mix_draws_pools_in_proportion() -> None:
    pools = [(list(range(0, 10)), 0.8), (list(range(10, 100)), 0.2)]
    sampler = BucketBatchSampler([50] * 100, max_tokens=500, max_batch_size=10, pools=pools, seed=0)
    drawn = [i for b in sampler.epoch_batches(0) for i in b]
    assert len(drawn) == 100
    assert sum(i < 10 for i in drawn) == 80  # the small pool is cycled 8 times


def test_ranks_get_disjoint_equal_shares() -> None:
    shares = [
        BucketBatchSampler(LENGTHS, max_tokens=1200, max_batch_size=8, seed=0, rank=r, world=2).rank_batches(
            0
        )
        for r in (0, 1)
    ]
    assert len(shares[0]) == len(shares[1])
    assert not {i for b in shares[0] for i in b} & {i for b in shares[1] for i in b}


def test_padding_ratio_known_answer() -> None:
    assert padding_ratio([[0, 1]], [10, 30]) == pytest.approx(1 - 40 / 60)


def test_bucketing_cuts_padding_far_below_random_batches_on_the_demo_corpus(
    demo_raw: Path, tiny_csm: Path
) -> None:
    family = get_family("csm")
    encoder = family.item_encoder(family.load(tiny_csm), family.settings({"language_tag": True}))
    rows = [
        json.loads(line) for line in (demo_raw / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    cuts = [
        cut_from_file(
            demo_raw / r["path"], r["id"], text=r["text"], speaker=r["speaker"], language=r["language"]
        )
        for r in rows
        if "words" in r and r["id"] != "te_podcast"
    ]
    lengths = [encoder.length(c) for c in cuts]
    options = {"max_tokens": 1500, "max_batch_size": 16, "seed": 0}
    bucketed = padding_ratio(BucketBatchSampler(lengths, **options).epoch_batches(0), lengths)
    naive = padding_ratio(BucketBatchSampler(lengths, bucketing=False, **options).epoch_batches(0), lengths)
    assert bucketed < 0.4 * naive, (bucketed, naive)
    assert bucketed < 0.08
