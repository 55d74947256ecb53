"""Phonetically balanced scripts: lines picked greedily from a text so few prompts cover many sounds.

Each line is put in spoken form and phonemised with espeak-ng (voxtune.text.g2p); a line's units are
its phonemes and its diphones (neighbouring phoneme pairs inside a word). The next pick is the line
adding the most phonemes not yet covered, then the most new diphones, then the shorter one; both
gains only shrink as coverage grows, so a lazy greedy (re-scoring only the top of a heap) picks
exactly what the plain greedy would. Once nothing new can be covered the rest are filled with the
lines richest in the rarest phonemes.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from voxtune.corpus.ledger import Rejection
from voxtune.errors import ItemError
from voxtune.prompts.goals import BALANCED, goal_language
from voxtune.prompts.script import NORMALISE_STAGE, Prompt
from voxtune.prompts.spoken import spoken_form
from voxtune.text.g2p import phonemize
from voxtune.text.g2p.symbols import STRESS_MARKS

DEFAULT_MAX_WORDS = 25
DEFAULT_MIN_WORDS = 3


@dataclass(frozen=True)
class Candidate:
    """A usable line of the text with its phonemes and diphones."""

    line: int
    text: str
    spoken: str
    phonemes: frozenset[str]
    diphones: frozenset[tuple[str, str]]
    length: int
    """Phoneme count: shorter lines are quicker to record."""
    symbols: tuple[str, ...]


@dataclass
class BalancedSelection:
    """The picked prompts, the lines refused, and how much of the text's sound inventory is covered."""

    prompts: list[Prompt]
    rejected: list[Rejection]
    inventory: Counter = field(default_factory=Counter)
    """Phoneme -> occurrences over every usable line of the text."""
    covered: set[str] = field(default_factory=set)
    diphones_total: int = 0
    diphones_covered: int = 0

    @property
    def missing(self) -> list[str]:
        """Phonemes the text has that the picked prompts lack (rarest first)."""
        return sorted(set(self.inventory) - self.covered, key=lambda p: (self.inventory[p], p))


def phoneme_units(spoken: str, language: str) -> tuple[tuple[str, ...], set[tuple[str, str]]]:
    """The phoneme symbols of a spoken text (no stress marks) and its within-word diphones."""
    symbols: list[str] = []
    diphones: set[tuple[str, str]] = set()
    for word in phonemize(spoken, language).words:
        sounds = [s for s in word.phonemes if s not in STRESS_MARKS and s != " "]
        symbols.extend(sounds)
        diphones.update(pairwise(sounds))
    return tuple(symbols), diphones


def candidates_from_lines(
    lines: Iterable[str],
    language: str,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    max_words: int = DEFAULT_MAX_WORDS,
    source: str = "",
) -> tuple[list[Candidate], list[Rejection]]:
    """Usable lines (spoken form, length within bounds, not a repeat) and the refused ones."""
    code = goal_language(BALANCED, language)
    candidates: list[Candidate] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        line_id = f"line{number:05d}"
        try:
            spoken = spoken_form(text, code)
            words = len(spoken.split())
            if not min_words <= words <= max_words:
                raise ItemError(
                    "bad_length",
                    f"{words} words; prompts should have {min_words} to {max_words}",
                    words=words,
                )
        except ItemError as exc:
            rejected.append(
                Rejection(line_id, exc.code, exc.reason, NORMALISE_STAGE, source=f"{source}:{number}")
            )
            continue
        key = spoken.casefold()
        if key in seen:
            continue
        seen.add(key)
        symbols, diphones = phoneme_units(spoken, code)
        if not symbols:
            continue
        candidates.append(
            Candidate(number, text, spoken, frozenset(symbols), frozenset(diphones), len(symbols), symbols)
        )
    return candidates, rejected


def greedy_cover(candidates: list[Candidate], count: int) -> list[Candidate]:
    """Pick up to ``count`` candidates: most new phonemes, then most new diphones, then shortest."""
    covered: set[str] = set()
    covered_pairs: set[tuple[str, str]] = set()

    def key(index: int) -> tuple[int, int, int, int]:
        cand = candidates[index]
        return (
            -len(cand.phonemes - covered),
            -len(cand.diphones - covered_pairs),
            cand.length,
            index,
        )

    heap = [key(i) for i in range(len(candidates))]
    heapq.heapify(heap)
    picked: list[int] = []
    while heap and len(picked) < count:
        stale = heapq.heappop(heap)
        fresh = key(stale[3])
        if heap and fresh > heap[0]:
            heapq.heappush(heap, fresh)
            continue
        if fresh[0] == 0 and fresh[1] == 0:
            heapq.heappush(heap, fresh)
            break
        picked.append(fresh[3])
        covered.update(candidates[fresh[3]].phonemes)
        covered_pairs.update(candidates[fresh[3]].diphones)
    if len(picked) < count:
        picked.extend(_rarest_first([i for *_, i in heap], candidates, count - len(picked)))
    return [candidates[i] for i in picked]


def _rarest_first(indices: list[int], candidates: list[Candidate], count: int) -> list[int]:
    """Lines whose phonemes are rarest in the whole text, per phoneme, best first."""
    frequency = Counter(symbol for cand in candidates for symbol in cand.symbols)
    total = sum(frequency.values())

    def rarity(index: int) -> tuple[float, int]:
        cand = candidates[index]
        return (-sum(total / frequency[s] for s in cand.symbols) / cand.length, index)

    return sorted(indices, key=rarity)[:count]


def balanced_prompts(
    lines: Iterable[str],
    language: str,
    count: int = 50,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    max_words: int = DEFAULT_MAX_WORDS,
    source: str = "",
) -> BalancedSelection:
    """A script of up to ``count`` lines of a text chosen to cover its phonemes and diphones."""
    code = goal_language(BALANCED, language)
    candidates, rejected = candidates_from_lines(
        lines, code, min_words=min_words, max_words=max_words, source=source
    )
    picked = greedy_cover(candidates, count)
    prompts = [
        Prompt(
            id=f"{BALANCED}-{position + 1:04d}",
            text=cand.text,
            spoken=cand.spoken,
            language=code,
            goal=BALANCED,
            meta={"line": cand.line},
        )
        for position, cand in enumerate(picked)
    ]
    all_pairs = set().union(*(cand.diphones for cand in candidates)) if candidates else set()
    return BalancedSelection(
        prompts=prompts,
        rejected=rejected,
        inventory=Counter(symbol for cand in candidates for symbol in cand.symbols),
        covered=set().union(*(cand.phonemes for cand in picked)) if picked else set(),
        diphones_total=len(all_pairs),
        diphones_covered=len(set().union(*(cand.diphones for cand in picked))) if picked else 0,
    )
