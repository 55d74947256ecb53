"""Word timings of a cut's supervisions, checked against its audio, for Kyutai text streams."""

from __future__ import annotations

from collections.abc import Iterable

from lhotse import SupervisionSegment
from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.errors import ItemError

ALIGNMENT_TOLERANCE = 0.05
"""Seconds a word may stick out of its item before the item is refused (timing rounding)."""


def item_words(
    cut: Cut, supervisions: Iterable[SupervisionSegment] | None = None
) -> list[tuple[str, float, float]]:
    """``(word, start, end)`` of the word alignments of ``supervisions`` (default: all of the cut's),
    in seconds from the cut's start, in time order.

    Alignment times follow lhotse (they count from the start of the recording). Raises ItemError:
    ``empty_text`` (no transcript), ``no_word_alignment`` (a transcript without word timings),
    ``alignment_outside_audio`` (a word outside the cut, with the offending times).
    """
    chosen = list(cut.supervisions if supervisions is None else supervisions)
    texts = [sup for sup in chosen if sup.text and sup.text.strip()]
    if not texts:
        raise ItemError("empty_text", f"{cut.id} has no transcript")
    words: list[tuple[str, float, float]] = []
    for sup in texts:
        items = (sup.alignment or {}).get(fields.WORD_ALIGNMENT)
        if not items:
            raise ItemError(
                "no_word_alignment",
                f"{cut.id} has a transcript but no word timings, which the text stream is built from "
                "(run the align stage)",
            )
        for item in items:
            start = item.start - cut.start
            end = start + item.duration
            if start < -ALIGNMENT_TOLERANCE or end > cut.duration + ALIGNMENT_TOLERANCE:
                raise ItemError(
                    "alignment_outside_audio",
                    f"the word '{item.symbol}' of {cut.id} spans {start:.2f}-{end:.2f} s but the audio "
                    f"lasts {cut.duration:.2f} s",
                    word=item.symbol,
                    start=round(start, 3),
                    end=round(end, 3),
                    duration=round(cut.duration, 3),
                )
            words.append((item.symbol, max(0.0, start), min(cut.duration, end)))
    return sorted(words, key=lambda w: (w[1], w[2]))
