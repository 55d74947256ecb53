"""Phonetically balanced scripts: greedy coverage of a text's phonemes, checked independently."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from voxtune.prompts import balanced_prompts
from voxtune.prompts.balanced import candidates_from_lines, greedy_cover
from voxtune.text.g2p import phonemize
from voxtune.text.g2p.symbols import STRESS_MARKS

POOL = [
    "The quick brown fox jumps over the lazy dog.",
    "She sells sea shells by the sea shore.",
    "A large measure of pleasure comes from leisure.",
    "Thank you for the thoughtful gift in this weather.",
    "Judge the church bridge by its edge.",
    "The boy enjoyed the noisy toy in the choir.",
    "How now brown cow, shouted the loud crowd.",
    "The ring was singing along the long strong string.",
    "Put the book on the wooden hook, please.",
    "The yellow yacht sailed by the young youth.",
    "We watched the whale in the wide water.",
    "Her vision of the treasure was unusual.",
    "Zebras zigzag through the dizzy zoo.",
    "Cheap sheep eat green leaves.",
    "The cat sat on the mat.",
    "I like to ride my bike at night.",
    "Go slowly over the old stone road.",
    "Father parked the car in the yard.",
    "The bird heard the early word.",
    "Few people knew the huge view was true.",
    "Hello, how are you doing today?",
    "The dog ate the bone.",
    "A bad man had a sad hat.",
    "Bring the red pen to the bench.",
]
BAD = ["Everything at half price ½ off", "Hi.", "The cat sat on the mat.", "Call 25 people tonight"]


def sounds(text: str) -> set[str]:
    """Phonemes of a text straight from the G2P, without stress marks: the independent recount."""
    return {
        symbol
        for word in phonemize(text, "en").words
        for symbol in word.phonemes
        if symbol not in STRESS_MARKS and symbol != " "
    }


def test_selection_covers_the_whole_inventory_of_the_text() -> None:
    selection = balanced_prompts(POOL, "en", count=12)
    inventory = set().union(*(sounds(line) for line in POOL))
    assert set(selection.inventory) == inventory
    chosen = set().union(*(sounds(p.spoken) for p in selection.prompts))
    assert chosen == selection.covered == inventory and selection.missing == []
    assert len(selection.prompts) == 12
    assert len({p.text for p in selection.prompts}) == 12
    assert all(p.text in POOL for p in selection.prompts)


@pytest.mark.usefixtures("stand_in_reader")
def test_refused_lines_are_in_the_ledger_and_repeats_are_dropped() -> None:
    selection = balanced_prompts(POOL + BAD, "en", count=100, source="pool.txt")
    codes = {r.source: r.code for r in selection.rejected}
    assert codes == {
        "pool.txt:25": "unspoken_characters",
        "pool.txt:26": "bad_length",
        "pool.txt:28": "unsupported_number_format",
    }
    assert len(selection.prompts) == len(POOL)  # every usable line, the repeated one once


def plain_greedy(candidates, count):
    """The textbook greedy (re-scores every candidate at every step), to check the lazy one against."""
    covered: set = set()
    pairs: set = set()
    left = list(range(len(candidates)))
    picked = []
    while left and len(picked) < count:
        best = min(
            left,
            key=lambda i: (
                -len(candidates[i].phonemes - covered),
                -len(candidates[i].diphones - pairs),
                candidates[i].length,
                i,
            ),
        )
        if not candidates[best].phonemes - covered and not candidates[best].diphones - pairs:
            break
        picked.append(best)
        left.remove(best)
        covered |= candidates[best].phonemes
        pairs |= candidates[best].diphones
    return picked


def test_lazy_greedy_picks_what_the_plain_greedy_picks() -> None:
    candidates, _ = candidates_from_lines(POOL, "en")
    plain = plain_greedy(candidates, len(candidates))
    lazy = greedy_cover(candidates, len(plain))
    assert [c.line for c in lazy] == [candidates[i].line for i in plain]


def picks_to_cover(order: list[int], phoneme_sets: list[set[str]], inventory: set[str]) -> int:
    covered: set[str] = set()
    for count, index in enumerate(order, start=1):
        covered |= phoneme_sets[index]
        if covered == inventory:
            return count
    return len(order)


def test_greedy_needs_few_lines_compared_with_random_and_optimal() -> None:
    small = POOL[:12]
    candidates, _ = candidates_from_lines(small, "en")
    phoneme_sets = [set(c.phonemes) for c in candidates]
    inventory = set().union(*phoneme_sets)
    greedy = picks_to_cover(
        [candidates.index(c) for c in greedy_cover(candidates, len(candidates))], phoneme_sets, inventory
    )
    optimal = next(
        size
        for size in range(1, len(candidates) + 1)
        if any(
            set().union(*(phoneme_sets[i] for i in combo)) == inventory
            for combo in itertools.combinations(range(len(candidates)), size)
        )
    )
    rng = np.random.default_rng(0)
    random_orders = [
        picks_to_cover(list(rng.permutation(len(candidates))), phoneme_sets, inventory) for _ in range(200)
    ]
    assert greedy <= optimal + 1
    assert greedy < np.median(random_orders)
