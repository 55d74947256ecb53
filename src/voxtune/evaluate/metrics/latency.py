"""Latency of a streaming generator: time to first audio, total time and real-time factor.

The callable is run once untimed first (warm-up: lazy imports, CUDA kernels, caches), then ``runs``
timed times. Time to first audio runs from the call to the first chunk that holds samples.
Chunks should be finished audio (on the CPU, or after a device synchronise): a GPU tensor whose
kernels are still queued would make the model look faster than it is.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from voxtune.evaluate.errors import UnscorableError

Clock = Callable[[], float]


@dataclass(frozen=True)
class RunTiming:
    """One timed run: seconds to the first audio, seconds in all, seconds of audio produced."""

    time_to_first_audio_s: float
    total_time_s: float
    audio_duration_s: float
    chunks: int

    @property
    def real_time_factor(self) -> float:
        """Processing time / audio time: below 1 means faster than real time."""
        return self.total_time_s / self.audio_duration_s


@dataclass(frozen=True)
class LatencyResult:
    """Medians over the timed runs (after one warm-up), and every run."""

    time_to_first_audio_s: float
    total_time_s: float
    real_time_factor: float
    audio_duration_s: float
    runs: tuple[RunTiming, ...]


def time_one_run(
    generate: Callable[[], Iterable[object]], sample_rate: int, clock: Clock = time.perf_counter
) -> RunTiming:
    """Time one call of ``generate``, consuming every chunk (arrays or tensors, samples last)."""
    start = clock()
    first: float | None = None
    samples = 0
    chunks = 0
    for chunk in generate():
        n = int(np.shape(chunk)[-1]) if np.ndim(chunk) > 0 else 0
        chunks += 1
        if n > 0 and first is None:
            first = clock() - start
        samples += n
    total = clock() - start
    if first is None or samples == 0:
        raise UnscorableError("no_audio", f"the generator yielded {chunks} chunks and no samples")
    return RunTiming(first, total, samples / sample_rate, chunks)


def measure_latency(
    generate: Callable[[], Iterable[object]],
    sample_rate: int,
    *,
    runs: int = 3,
    warmup_runs: int = 1,
    clock: Clock = time.perf_counter,
) -> LatencyResult:
    """Warm up ``warmup_runs`` times, then time ``runs`` calls and report medians."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    for _ in range(warmup_runs):
        for _chunk in generate():
            pass
    timings = tuple(time_one_run(generate, sample_rate, clock) for _ in range(runs))
    return LatencyResult(
        time_to_first_audio_s=statistics.median(t.time_to_first_audio_s for t in timings),
        total_time_s=statistics.median(t.total_time_s for t in timings),
        real_time_factor=statistics.median(t.real_time_factor for t in timings),
        audio_duration_s=statistics.median(t.audio_duration_s for t in timings),
        runs=timings,
    )
