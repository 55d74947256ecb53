"""Forced alignment of transcripts to audio with CTC models: word, character and phoneme timings.

``ctc_viterbi`` holds the trellis search, ``chunking`` computes emissions for long audio window by
window, ``targets`` turns text or phonemes into target ids, ``results`` holds the timed words and
units, ``durations`` turns unit spans into frame durations, and ``aligner`` ties these to a
transformers model.
"""

from __future__ import annotations

from voxtune.align.aligner import CtcAligner
from voxtune.align.chunking import FrameGeometry, Window, chunked_emissions, plan_windows
from voxtune.align.ctc_viterbi import (
    STAR,
    CtcAlignment,
    StarToken,
    TokenSpan,
    ctc_forced_align,
    min_frames_needed,
)
from voxtune.align.durations import count_frames, frame_durations
from voxtune.align.errors import AlignmentError
from voxtune.align.results import AlignedUnit, AlignedWord, WordAlignment, assemble_words
from voxtune.align.targets import (
    StarPlacement,
    TargetLayout,
    character_ids,
    lay_out_targets,
    phoneme_ids,
    vocabulary_case,
)

__all__ = [
    "STAR",
    "AlignedUnit",
    "AlignedWord",
    "AlignmentError",
    "CtcAligner",
    "CtcAlignment",
    "FrameGeometry",
    "StarPlacement",
    "StarToken",
    "TargetLayout",
    "TokenSpan",
    "Window",
    "WordAlignment",
    "assemble_words",
    "character_ids",
    "chunked_emissions",
    "count_frames",
    "ctc_forced_align",
    "frame_durations",
    "lay_out_targets",
    "min_frames_needed",
    "phoneme_ids",
    "plan_windows",
    "vocabulary_case",
]
