"""Time regions (start, end in seconds) and their conversion to frame masks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, order=True)
class Region:
    """A stretch of time in seconds, ``start <= end``."""

    start: float
    end: float

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"region ends before it starts: {self.start} > {self.end}")

    @property
    def duration(self) -> float:
        return self.end - self.start


def frame_mask(
    regions: Sequence[Region], frame_count: int, frame_seconds: float, *, min_overlap: float = 0.5
) -> np.ndarray:
    """Boolean mask over consecutive frames of ``frame_seconds``: True where regions cover at least
    ``min_overlap`` of the frame."""
    coverage = np.zeros(frame_count, dtype=np.float64)  # in frames
    for region in regions:
        start = min(max(region.start / frame_seconds, 0.0), frame_count)
        end = min(max(region.end / frame_seconds, 0.0), frame_count)
        if end <= start:
            continue
        first, last = int(start), min(int(np.ceil(end)), frame_count)  # frames [first, last)
        if last - first == 1:
            coverage[first] += end - start
            continue
        coverage[first] += first + 1 - start
        coverage[last - 1] += end - (last - 1)
        coverage[first + 1 : last - 1] += 1.0
    return coverage >= min_overlap - 1e-9


def gaps(regions: Sequence[Region], duration: float) -> list[Region]:
    """The stretches of [0, duration] that no region covers (regions may be unsorted or overlap)."""
    result: list[Region] = []
    cursor = 0.0
    for region in sorted(regions):
        if region.start > cursor:
            result.append(Region(cursor, min(region.start, duration)))
        cursor = max(cursor, region.end)
        if cursor >= duration:
            break
    if cursor < duration:
        result.append(Region(cursor, duration))
    return [gap for gap in result if gap.duration > 0]
