"""Carry word timings over normalisation: when one original token became several spoken words.

Original words (from an aligner or an ASR with word timestamps) are located in order in
``Normalised.original``. Words and tokens that overlap there form a group; the group's time span
(first start to last end) is split across its spoken words in proportion to their number of letters
and digits (at least one each), so times stay monotonic, inside the original span, and the group's
total span is preserved. Spoken words whose tokens no timed word covers (rare: a word the aligner
skipped) share the gap between their timed neighbours. Timed words that became nothing (a dropped
dash) give up their time.
"""

from __future__ import annotations

from collections.abc import Sequence

from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.result import Normalised
from voxtune.text.normalise.tokens import split_edges

TimedWord = tuple[str, float, float]


def realign_words(words: Sequence[TimedWord], normalised: Normalised) -> list[TimedWord]:
    """The spoken words of ``normalised`` with times taken from the original ``words``.

    ``words`` are (text, start, end) in the order they occur in ``normalised.original``; their text
    must occur there (surrounding punctuation may differ). Raises ``NormaliseError``
    (``alignment_mismatch``) when a word cannot be found.
    """
    spans = _locate(words, normalised.original)
    tokens = normalised.tokens
    groups = _group(spans, [(t.start, t.end) for t in tokens])
    timed: list[tuple[list[str], float | None, float | None]] = []
    for word_ids, token_ids in groups:
        spoken = [w for t in token_ids for w in tokens[t].words]
        if word_ids:
            start = min(words[i][1] for i in word_ids)
            end = max(words[i][2] for i in word_ids)
            timed.append((spoken, start, end))
        elif spoken:
            timed.append((spoken, None, None))
    return _spread(_fill_gaps(timed))


def _locate(words: Sequence[TimedWord], original: str) -> list[tuple[int, int] | None]:
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for text, start, end in words:
        if end < start:
            raise NormaliseError(
                "alignment_mismatch", f"word {text!r} ends ({end}) before it starts ({start})"
            )
        needle = text.strip()
        if not needle:
            spans.append(None)
            continue
        found = original.find(needle, cursor)
        if found < 0:
            core = split_edges(needle)[1]
            found = original.find(core, cursor) if core else -1
            needle = core
        if found < 0:
            raise NormaliseError(
                "alignment_mismatch",
                f"word {text!r} not found in the original text after character {cursor}",
                word=text,
                position=cursor,
            )
        spans.append((found, found + len(needle)))
        cursor = found + len(needle)
    return spans


def _group(
    word_spans: list[tuple[int, int] | None], token_spans: list[tuple[int, int]]
) -> list[tuple[list[int], list[int]]]:
    """Connected groups of overlapping words and tokens, in text order (words first by position)."""
    items = [(span[0], span[1], "w", i) for i, span in enumerate(word_spans) if span is not None]
    items += [(start, end, "t", j) for j, (start, end) in enumerate(token_spans)]
    items.sort(key=lambda item: (item[0], item[2] == "w"))
    groups: list[tuple[list[int], list[int]]] = []
    group_end = -1
    for start, end, kind, index in items:
        if not groups or start >= group_end:
            groups.append(([], []))
            group_end = end
        else:
            group_end = max(group_end, end)
        groups[-1][0 if kind == "w" else 1].append(index)
    for word_ids, token_ids in groups:
        word_ids.sort()
        token_ids.sort()
    return groups


def _fill_gaps(
    timed: list[tuple[list[str], float | None, float | None]],
) -> list[tuple[list[str], float, float]]:
    """Give untimed groups the gap between their timed neighbours (zero length when there is none)."""
    filled = []
    for n, (spoken, start, end) in enumerate(timed):
        if start is None or end is None:
            before = next((t[2] for t in reversed(timed[:n]) if t[2] is not None), None)
            after = next((t[1] for t in timed[n + 1 :] if t[1] is not None), None)
            start = before if before is not None else after if after is not None else 0.0
            end = after if after is not None and after >= start else start
        filled.append((spoken, start, end))
    return [group for group in filled if group[0]]


def _spread(groups: list[tuple[list[str], float, float]]) -> list[TimedWord]:
    out: list[TimedWord] = []
    previous_end = float("-inf")
    for spoken, start, end in groups:
        start = max(start, previous_end)
        end = max(end, start)
        weights = [max(1, sum(ch.isalnum() for ch in word)) for word in spoken]
        total = sum(weights)
        done = 0
        cursor = start
        for word, weight in zip(spoken, weights, strict=True):
            done += weight
            word_end = end if done == total else start + (end - start) * done / total
            out.append((word, cursor, word_end))
            cursor = word_end
        previous_end = end
    return out
