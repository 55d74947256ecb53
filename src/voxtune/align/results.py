"""Word and unit (character or phoneme) timings in seconds, built from a CTC alignment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voxtune.align.ctc_viterbi import CtcAlignment
from voxtune.align.targets import TargetLayout


@dataclass(frozen=True)
class AlignedUnit:
    """One character or phoneme: ``[start, end)`` seconds and the mean frame probability of it.

    A unit that was not aligned (punctuation, a skipped symbol) has ``start == end`` and score 0.
    """

    label: str
    start: float
    end: float
    score: float


@dataclass(frozen=True)
class AlignedWord:
    """One input word, from its first aligned unit's start to its last one's end, with its units.

    ``score`` is the frame-weighted mean of its units' scores. A word with no aligned unit has zero
    length at the end of the word before it.
    """

    text: str
    start: float
    end: float
    score: float
    units: tuple[AlignedUnit, ...]


@dataclass(frozen=True)
class WordAlignment:
    """Every input word in order, the stretches a star absorbed, and the alignment's totals."""

    words: tuple[AlignedWord, ...]
    unaligned: tuple[tuple[float, float], ...]
    """``(start, end)`` seconds of untranscribed speech a star absorbed (empty without stars)."""
    duration: float
    """Length of the audio in seconds."""
    frame_seconds: float
    """Seconds per CTC frame: the resolution of every timing here."""
    log_prob: float
    """Total log-probability of the best path (divide by the frame count to compare clips)."""

    @property
    def units(self) -> list[AlignedUnit]:
        """All units of all words, in order."""
        return [unit for word in self.words for unit in word.units]


def assemble_words(
    alignment: CtcAlignment,
    layout: TargetLayout,
    *,
    word_texts: Sequence[str],
    unit_labels: Sequence[Sequence[str]],
    frame_seconds: float,
    duration: float,
) -> WordAlignment:
    """Turn frame spans into timed words and units, one per input word and per input symbol."""
    words = []
    previous_end = 0.0
    for text, labels, positions in zip(word_texts, unit_labels, layout.positions, strict=True):
        timed: list[tuple[float, float, float, int] | None] = []
        for position in positions:
            if position is None:
                timed.append(None)
                continue
            span = alignment.spans[position]
            timed.append((span.start * frame_seconds, span.end * frame_seconds, span.score, span.num_frames))
        aligned = [t for t in timed if t is not None]
        if not aligned:
            units = tuple(AlignedUnit(label, previous_end, previous_end, 0.0) for label in labels)
            words.append(AlignedWord(text, previous_end, previous_end, 0.0, units))
            continue
        units = tuple(
            AlignedUnit(label, *_place_unaligned(timed, index))
            if item is None
            else AlignedUnit(label, *item[:3])
            for index, (label, item) in enumerate(zip(labels, timed, strict=True))
        )
        frames = sum(t[3] for t in aligned)
        score = sum(t[2] * t[3] for t in aligned) / frames
        words.append(AlignedWord(text, aligned[0][0], aligned[-1][1], score, units))
        previous_end = aligned[-1][1]
    unaligned = tuple(
        (alignment.spans[i].start * frame_seconds, alignment.spans[i].end * frame_seconds)
        for i in layout.star_indices
        if alignment.spans[i].num_frames > 0
    )
    return WordAlignment(
        words=tuple(words),
        unaligned=unaligned,
        duration=duration,
        frame_seconds=frame_seconds,
        log_prob=alignment.log_prob,
    )


def _place_unaligned(
    timed: Sequence[tuple[float, float, float, int] | None], index: int
) -> tuple[float, float, float]:
    """Zero length at the end of the aligned unit before it in the word, else at the start of the
    next.
    """
    for item in reversed(timed[:index]):
        if item is not None:
            return item[1], item[1], 0.0
    for item in timed[index + 1 :]:
        if item is not None:
            return item[0], item[0], 0.0
    raise ValueError("a word with no aligned unit has no place for its symbols")
