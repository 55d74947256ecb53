"""Per-unit durations in acoustic frames (Kokoro: hop 300 at 24 kHz) from aligned unit spans.

CTC spans are peaky: a phoneme owns one or two 20 ms frames and blanks fill the gaps. A duration
model needs every frame owned by some unit, so the gap between two consecutive units is split at its
midpoint; leading and trailing silence go to the first and last unit, or, with ``pad_edges``, to two
extra entries (Kokoro wraps its phoneme ids in a pad token at either end).

Rounding: the boundaries are converted to frames and rounded (half up), and each duration is the
difference of two rounded boundaries. The sum therefore telescopes to exactly ``total_frames`` and
no boundary is more than half a frame from its true time, however many units there are -- rounding
each duration on its own would let the errors pile up.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from voxtune.align.errors import AlignmentError


def count_frames(num_samples: int, hop_length: int, *, centered: bool = True) -> int:
    """How many frames ``num_samples`` make at ``hop_length``.

    ``1 + n // hop`` for a centred STFT (the librosa and torch.stft default, what mel-spectrogram
    TTS models use); ``n // hop`` with ``centered=False``, whole hops only (codec framing).
    """
    if num_samples < 0 or hop_length < 1:
        raise ValueError(f"need num_samples >= 0 and hop_length >= 1, got {num_samples}, {hop_length}")
    return num_samples // hop_length + (1 if centered else 0)


def frame_durations(
    spans: Sequence[tuple[float, float]],
    *,
    total_frames: int,
    hop_length: int,
    sample_rate: int,
    min_frames: int = 0,
    pad_edges: bool = False,
) -> list[int]:
    """Durations in frames of ``hop_length / sample_rate`` s, one per span, adding up to the total.

    ``spans`` are ``(start, end)`` seconds in time order (zero-length spans allowed). With
    ``pad_edges`` the result has two more entries: the silence before the first span and after the
    last. ``min_frames`` is guaranteed for every entry, moving boundaries as little as possible;
    when ``total_frames`` cannot give every entry that many, raises :class:`AlignmentError`
    ``durations_infeasible``.
    """
    if total_frames < 0 or hop_length < 1 or sample_rate < 1 or min_frames < 0:
        raise ValueError("total_frames and min_frames must be >= 0, hop_length and sample_rate >= 1")
    if not spans:
        raise ValueError("no spans to share the frames between")
    for start, end in spans:
        if end < start:
            raise ValueError(f"span ({start}, {end}) ends before it starts")
    for (start, end), (next_start, next_end) in itertools.pairwise(spans):
        if next_start < start or next_end < end:
            raise ValueError(
                f"spans are out of time order: ({start}, {end}) before ({next_start}, {next_end})"
            )

    frames_per_second = sample_rate / hop_length
    inner = [(end + next_start) / 2 for (_, end), (next_start, _) in itertools.pairwise(spans)]
    if pad_edges:
        inner = [spans[0][0], *inner, spans[-1][1]]
    entries = len(inner) + 1
    if entries * min_frames > total_frames:
        raise AlignmentError(
            "durations_infeasible",
            f"{entries} units need at least {min_frames} frames each but the audio has {total_frames}",
            units=entries,
            frames=total_frames,
        )

    boundaries = [0]
    boundaries += [min(total_frames, max(0, math.floor(t * frames_per_second + 0.5))) for t in inner]
    boundaries.append(total_frames)
    if min_frames:
        for i in range(1, len(boundaries) - 1):
            boundaries[i] = max(boundaries[i], boundaries[i - 1] + min_frames)
        for i in range(len(boundaries) - 2, 0, -1):
            boundaries[i] = min(boundaries[i], boundaries[i + 1] - min_frames)
    return [b - a for a, b in itertools.pairwise(boundaries)]
