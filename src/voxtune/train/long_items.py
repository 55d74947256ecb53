"""Splitting items longer than a model's context at word boundaries (no fixed 10-second cap).

An item that does not fit is cut into pieces between words, using its word timings, each piece a
proper lhotse cut with its own text, word timings and per-word fields; an item without word timings
cannot be split safely and is rejected instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from lhotse.utils import fastcopy

from voxtune.corpus import fields
from voxtune.errors import ItemError

PER_WORD_FIELDS = (fields.WORD_PHONEMES, fields.WORD_LANGUAGES, fields.PARTICLES)
PAD_SECONDS = 0.05


def _piece(cut: Cut, words: list[AlignmentItem], first: int, last: int, number: int) -> Cut:
    """The cut between word ``first`` and word ``last`` (inclusive), padded into the gaps around them."""
    sup = cut.supervisions[0]
    prev_end = words[first - 1].end if first > 0 else 0.0
    next_start = words[last + 1].start if last + 1 < len(words) else cut.duration
    start = max(prev_end, words[first].start - PAD_SECONDS, 0.0)
    end = min(next_start, words[last].end + PAD_SECONDS, cut.duration)
    piece = cut.truncate(offset=start, duration=end - start, keep_excessive_supervisions=False)
    piece = fastcopy(piece, id=f"{cut.id}_part{number:02d}")
    kept = words[first : last + 1]
    custom: dict[str, Any] = dict(sup.custom or {})
    for name in PER_WORD_FIELDS:
        values = custom.get(name)
        if isinstance(values, list) and len(values) == len(words):
            custom[name] = values[first : last + 1]
        else:
            custom.pop(name, None)
    custom.pop(fields.PHONEMES, None)  # whole-text phonemes cannot be cut by word
    piece.supervisions = [
        fastcopy(
            sup,
            id=piece.id,
            start=0.0,
            duration=piece.duration,
            text=" ".join(w.symbol for w in kept),
            custom=custom or None,
            alignment={fields.WORD_ALIGNMENT: [w.with_offset(-start) for w in kept]},
        )
    ]
    return piece


def split_to_fit(cut: Cut, fits: Callable[[Cut], bool]) -> list[Cut]:
    """``[cut]`` if it fits, else pieces of consecutive words that each fit (greedy: as many words
    per piece as fit). Raises ItemError when the cut has no word timings or one word alone is too
    long."""
    if fits(cut):
        return [cut]
    sup = cut.supervisions[0] if cut.supervisions else None
    words = list((sup.alignment or {}).get(fields.WORD_ALIGNMENT) or []) if sup else []
    if not words:
        raise ItemError(
            "too_long",
            f"{cut.id} ({cut.duration:.1f} s) is longer than the model's context and has no word timings "
            "to split it at",
            duration=round(cut.duration, 2),
        )
    pieces: list[Cut] = []
    first = 0
    while first < len(words):
        last = first
        best: Cut | None = None
        while last < len(words):
            candidate = _piece(cut, words, first, last, len(pieces))
            if not fits(candidate):
                break
            best = candidate
            last += 1
        if best is None:
            raise ItemError(
                "too_long", f"the word '{words[first].symbol}' in {cut.id} alone exceeds the model's context"
            )
        pieces.append(best)
        first = last
    return pieces
