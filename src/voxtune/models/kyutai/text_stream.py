"""Word timings -> the per-frame text stream Kyutai models learn (STT output, Moshi's inner monologue).

Kyutai's models emit one text token per 80 ms audio frame (12.5 Hz). Following moshi-finetune's
``Interleaver`` (finetune/data/interleaver.py), a word's tokens are laid out one per frame from the frame
its start time falls in (``floor(start * frame_rate)``), every other frame holds the padding token, and
the frame just before a word's first token holds the end-of-padding token when it would otherwise be
padding. Kyutai's ids: padding 3, end-of-padding 0 (``existing_text_padding_id`` / end padding in
moshi's ``LMModel``). A word whose frame is still taken by the previous word's tokens starts right after
them (moshi-finetune's ``keep_and_shift``), so no token is ever dropped.

``delay`` shifts the text after the audio: Kyutai STT writes a word ``audio_delay_seconds`` (0.5 s for
stt-1b-en_fr, 2.5 s for stt-2.6b-en) after it was said; Moshi's inner monologue has no delay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import ItemError

PAD_ID = 3
"""Kyutai's text padding token (``existing_text_padding_id``)."""
END_OF_PADDING_ID = 0
"""Kyutai's end-of-padding token, placed just before a word's first token."""


@dataclass(frozen=True)
class TokenizedWord:
    """A word's token ids and its time span in seconds from the start of the audio."""

    tokens: tuple[int, ...]
    start: float
    end: float


def text_stream(
    words: Sequence[TokenizedWord],
    frames: int,
    frame_rate: float,
    *,
    delay: float = 0.0,
    pad_id: int = PAD_ID,
    end_of_padding_id: int = END_OF_PADDING_ID,
) -> np.ndarray:
    """The text token of each of ``frames`` frames (int64), words placed ``delay`` seconds late.

    Raises ItemError ``text_does_not_fit`` when the last tokens would fall after the last frame (the
    audio is too short for the text at this delay) and ``negative_word_start`` for a word before 0.
    """
    stream = np.full(frames, pad_id, dtype=np.int64)
    free = 0  # first frame not yet holding a token
    for word in sorted(words, key=lambda w: (w.start, w.end)):
        if not word.tokens:
            continue
        if word.start < 0:
            raise ItemError(
                "negative_word_start",
                f"a word starts at {word.start:.3f} s, before the audio",
                start=word.start,
            )
        first = max(free, math.floor((word.start + delay) * frame_rate))
        last = first + len(word.tokens)
        if last > frames:
            raise ItemError(
                "text_does_not_fit",
                f"the text needs {last} frames at a {delay:.2f} s text delay but the audio has {frames} "
                f"({frames / frame_rate:.2f} s)",
                frames_needed=last,
                frames=frames,
            )
        if first > 0 and stream[first - 1] == pad_id:
            stream[first - 1] = end_of_padding_id
        stream[first:last] = word.tokens
        free = last
    return stream


def stream_tokens(stream: np.ndarray, *, pad_ids: Sequence[int] = (PAD_ID, END_OF_PADDING_ID)) -> list[int]:
    """The word tokens of a text stream in order (padding and end-of-padding removed)."""
    skip = set(pad_ids)
    return [int(token) for token in np.asarray(stream).reshape(-1) if int(token) not in skip]
