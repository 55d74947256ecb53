"""Plan training segments from speech regions, cutting only inside pauses.

Pure function on region lists: :func:`plan_segments` groups consecutive speech regions into segments
whose padded length lies between a minimum and a maximum (e.g. 10-30 s for Moshi, 2-10 s for CSM).
Segment edges always fall inside pauses, never inside a region, so no word is cut. Speech that
cannot be placed (one region longer than the maximum, or an island too short to reach the minimum)
is returned as :class:`RejectedSpeech` for the rejection ledger.

The grouping minimises, by dynamic programming over the regions:
``DROP_WEIGHT`` x seconds of speech left out
+ for each segment ``((length - target) / (max - min))**2``
+ for each segment edge inside a pause of p seconds ``exp(-p / PAUSE_SCALE_SECONDS)``.
So it keeps as much speech as it can, then cuts at the longest pauses, then stays near the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from voxtune.audio.regions import Region

DROP_WEIGHT = 100.0
PAUSE_SCALE_SECONDS = 0.5


@dataclass(frozen=True)
class Segment:
    """One planned clip: ``start``/``end`` include padding; ``speech`` lists the regions inside."""

    start: float
    end: float
    speech: tuple[Region, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class RejectedSpeech:
    """Speech that no segment holds; ``code`` is ``overlong_speech`` or ``isolated_speech``."""

    region: Region
    code: str
    reason: str


@dataclass(frozen=True)
class SegmentPlan:
    segments: list[Segment]
    rejected: list[RejectedSpeech]


def plan_segments(
    regions: Sequence[Region],
    *,
    min_seconds: float,
    max_seconds: float,
    target_seconds: float | None = None,
    pad_seconds: float = 0.2,
    max_pause_seconds: float = 3.0,
    duration: float | None = None,
) -> SegmentPlan:
    """Group speech ``regions`` into segments of ``min_seconds``..``max_seconds``, padding included.

    ``pad_seconds`` of the surrounding pause is kept on each side of a segment, but never more than
    half the pause (so neighbours never overlap) nor beyond 0 or ``duration``; pads shrink when a
    segment would otherwise exceed ``max_seconds``. A pause longer than
    ``max_pause_seconds`` always ends a segment. ``target_seconds`` defaults to the middle of the
    range. Overlapping or unsorted regions are merged and sorted first.
    """
    if not 0 < min_seconds <= max_seconds:
        raise ValueError(f"need 0 < min_seconds <= max_seconds, got {min_seconds}, {max_seconds}")
    target = (min_seconds + max_seconds) / 2 if target_seconds is None else target_seconds
    speech = _merged(regions)
    count = len(speech)
    if count == 0:
        return SegmentPlan([], [])
    pauses = [speech[i + 1].start - speech[i].end for i in range(count - 1)]
    left_pad = [
        min(pad_seconds, pauses[i - 1] / 2) if i else min(pad_seconds, speech[0].start) for i in range(count)
    ]
    right_pad = [
        min(pad_seconds, pauses[i] / 2)
        if i < count - 1
        else pad_seconds
        if duration is None
        else max(0.0, min(pad_seconds, duration - speech[i].end))
        for i in range(count)
    ]

    def edge_cost(pause_index: int) -> float:
        if 0 <= pause_index < count - 1:
            return math.exp(-pauses[pause_index] / PAUSE_SCALE_SECONDS)
        return 0.0

    spread = max(max_seconds - min_seconds, 1e-9)
    best = [0.0] + [math.inf] * count  # best[k]: cheapest plan for regions[:k]
    choice: list[int | None] = [None] * (count + 1)  # start of the last group, None = dropped
    for end in range(1, count + 1):
        last = end - 1
        best[end] = best[last] + DROP_WEIGHT * speech[last].duration
        for first in range(last, -1, -1):
            if first < last and pauses[first] > max_pause_seconds:
                break
            span = speech[last].end - speech[first].start
            if span > max_seconds:
                break
            length = min(span + left_pad[first] + right_pad[last], max_seconds)
            if length < min_seconds:
                continue
            cost = best[first] + ((length - target) / spread) ** 2 + edge_cost(first - 1) + edge_cost(last)
            if cost < best[end]:
                best[end], choice[end] = cost, first

    segments: list[Segment] = []
    dropped: list[int] = []
    end = count
    while end > 0:
        first = choice[end]
        if first is None:
            dropped.append(end - 1)
            end -= 1
            continue
        segments.append(_padded_segment(speech[first:end], left_pad[first], right_pad[end - 1], max_seconds))
        end = first
    segments.reverse()
    dropped.reverse()
    return SegmentPlan(segments, _rejections(speech, dropped, min_seconds, max_seconds))


def _padded_segment(speech: list[Region], left: float, right: float, max_seconds: float) -> Segment:
    """A segment around ``speech`` with these pads, shrunk in proportion to fit ``max_seconds``."""
    span = speech[-1].end - speech[0].start
    excess = span + left + right - max_seconds
    if excess > 0:
        keep = 1.0 - excess / (left + right)
        left, right = left * keep, right * keep
    return Segment(start=speech[0].start - left, end=speech[-1].end + right, speech=tuple(speech))


def _merged(regions: Sequence[Region]) -> list[Region]:
    merged: list[Region] = []
    for region in sorted(regions):
        if region.duration <= 0:
            continue
        if merged and region.start <= merged[-1].end:
            merged[-1] = Region(merged[-1].start, max(merged[-1].end, region.end))
        else:
            merged.append(region)
    return merged


def _rejections(
    speech: list[Region], dropped: list[int], min_seconds: float, max_seconds: float
) -> list[RejectedSpeech]:
    """Overlong regions one by one; runs of other consecutive dropped regions as one span each."""
    rejected: list[RejectedSpeech] = []
    run: list[int] = []

    def close_run() -> None:
        if run:
            span = Region(speech[run[0]].start, speech[run[-1]].end)
            rejected.append(
                RejectedSpeech(
                    span,
                    "isolated_speech",
                    f"{span.duration:.2f} s of speech that cannot be grouped into a"
                    f" {min_seconds:g}-{max_seconds:g} s segment without crossing a long pause or"
                    " unsplittable speech",
                )
            )
            run.clear()

    for index in dropped:
        region = speech[index]
        if run and run[-1] != index - 1:
            close_run()
        if region.duration > max_seconds:
            close_run()
            rejected.append(
                RejectedSpeech(
                    region,
                    "overlong_speech",
                    f"{region.duration:.2f} s of speech without a pause, longer than the"
                    f" {max_seconds:g} s maximum",
                )
            )
        else:
            run.append(index)
    close_run()
    return rejected
