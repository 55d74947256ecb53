"""Match espeak's output words to the input words when espeak merged or split some of them.

espeak says some word pairs as one ("of the" -> ``ʌvðə``) and expands others into several
(``21`` -> ``twˈɛnti wˈʌn``), so output and input words need not pair off one to one. The
alignment compares what espeak says in context with what it says for each word alone. No
library aligns grouped sequences like this, hence this small dynamic programme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from voxtune.text.g2p.symbols import STRESS_MARKS, plain

# Extra cost of any pairing other than one word with one output word: it only breaks ties.
_GROUPING_PENALTY = 0.5
_MAX_MERGED_WORDS = 4


@dataclass(frozen=True)
class Group:
    """Input words ``words[0]:words[1]`` were said as output words ``chunks[0]:chunks[1]``."""

    words: tuple[int, int]
    chunks: tuple[int, int]


def pairs_one_to_one(isolated: Sequence[str], in_context: Sequence[str]) -> bool:
    """True when the context output pairs off with the words: same count, each pair alike.

    Both arguments are plain phoneme strings (no stress marks or spaces); a pair is alike when at
    most half of the longer string (or two symbols) differs.
    """
    if len(isolated) != len(in_context):
        return False
    for alone, said in zip(isolated, in_context, strict=True):
        allowed = max(2, max(len(alone), len(said)) // 2)
        if Levenshtein.distance(alone, said, score_cutoff=allowed) > allowed:
            return False
    return True


def align_groups(
    isolated: Sequence[str], in_context: Sequence[str], isolated_chunks: Sequence[int]
) -> list[Group]:
    """Pair words with context output words; each group is 1:1, 1:many, 1:none or many:1.

    ``isolated`` holds each word's plain phonemes when said alone, ``isolated_chunks`` how many
    output words espeak makes of it alone (which bounds how many it may take in context), and
    ``in_context`` the plain phonemes of each output word of the whole line.
    """
    n, m = len(isolated), len(in_context)
    infinity = float("inf")
    cost = [[infinity] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == infinity:
                continue
            if i < n:  # word i takes chunks j:j+take (possibly none)
                longest = min(m - j, max(3, 2 * isolated_chunks[i] + 1))
                for take in range(longest + 1):
                    said = "".join(in_context[j : j + take])
                    step = Levenshtein.distance(isolated[i], said)
                    # A word silent on its own is silent in context too; no penalty for that.
                    if take != 1 and (take or isolated[i]):
                        step += _GROUPING_PENALTY
                    if here + step < cost[i + 1][j + take]:
                        cost[i + 1][j + take] = here + step
                        back[i + 1][j + take] = (i, j)
            if j < m:  # words i:i+count were merged into chunk j
                for count in range(2, min(_MAX_MERGED_WORDS, n - i) + 1):
                    alone = "".join(isolated[i : i + count])
                    step = Levenshtein.distance(alone, in_context[j]) + _GROUPING_PENALTY
                    if here + step < cost[i + count][j + 1]:
                        cost[i + count][j + 1] = here + step
                        back[i + count][j + 1] = (i, j)
    groups = []
    i, j = n, m
    while (i, j) != (0, 0):
        previous = back[i][j]
        assert previous is not None  # every cell on the optimal path has a predecessor
        groups.append(Group((previous[0], i), (previous[1], j)))
        i, j = previous
    groups.reverse()
    return groups


def split_merged(symbols: Sequence[str], isolated: Sequence[str]) -> list[list[str]]:
    """Cut one output word's symbols into ``len(isolated)`` pieces that best match each word alone.

    Cuts fall between symbols, never right after a stress mark (it belongs to what follows).
    """
    k, length = len(isolated), len(symbols)
    cuts = [p for p in range(length + 1) if p == 0 or symbols[p - 1] not in STRESS_MARKS]
    infinity = float("inf")
    best: dict[tuple[int, int], tuple[float, int]] = {(0, 0): (0.0, -1)}
    for word in range(k):
        for start in cuts:
            if (word, start) not in best:
                continue
            so_far = best[(word, start)][0]
            ends = [length] if word == k - 1 else [p for p in cuts if p >= start]
            for end in ends:
                step = Levenshtein.distance(isolated[word], plain(symbols[start:end]))
                key = (word + 1, end)
                if so_far + step < best.get(key, (infinity, -1))[0]:
                    best[key] = (so_far + step, start)
    pieces: list[list[str]] = []
    end = length
    for word in range(k, 0, -1):
        start = best[(word, end)][1]
        pieces.append(list(symbols[start:end]))
        end = start
    pieces.reverse()
    return pieces
