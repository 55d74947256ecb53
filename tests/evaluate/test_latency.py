from __future__ import annotations

import time

import numpy as np
import pytest

from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.latency import measure_latency, time_one_run


class FakeClock:
    """A clock that only moves when the fake model "computes"."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _fake_model(clock: FakeClock, calls: list[int], first_s: float, chunk_s: float):
    def generate():
        calls.append(1)
        clock.now += first_s
        yield np.zeros(0)  # an empty chunk does not count as first audio
        yield np.zeros(2400)  # 0.1 s at 24 kHz
        for _ in range(3):
            clock.now += chunk_s
            yield np.zeros((1, 4800))  # 0.2 s, samples on the last axis

    return generate


def test_known_timings_with_a_fake_clock():
    clock, calls = FakeClock(), []
    result = measure_latency(_fake_model(clock, calls, 0.15, 0.05), 24000, runs=3, clock=clock)
    assert len(calls) == 4  # one warm-up + three timed runs
    assert len(result.runs) == 3
    assert result.time_to_first_audio_s == pytest.approx(0.15)
    assert result.total_time_s == pytest.approx(0.30)
    assert result.audio_duration_s == pytest.approx(0.7)
    assert result.real_time_factor == pytest.approx(0.30 / 0.7)
    assert result.runs[0].chunks == 5


def test_warmup_is_not_timed():
    clock = FakeClock()
    slow_first = {"done": False}

    def generate():
        if not slow_first["done"]:
            slow_first["done"] = True
            clock.now += 10.0  # compiling, loading: only the first call
        clock.now += 0.02
        yield np.ones(1600)

    result = measure_latency(generate, 16000, runs=2, clock=clock)
    assert result.time_to_first_audio_s == pytest.approx(0.02)


def test_real_clock_measures_sleeps():
    def generate():
        time.sleep(0.05)
        yield np.zeros(1600)
        time.sleep(0.05)
        yield np.zeros(1600)

    result = measure_latency(generate, 16000, runs=1, warmup_runs=0)
    assert 0.045 <= result.time_to_first_audio_s < result.total_time_s
    assert 0.095 <= result.total_time_s < 1.0


def test_a_generator_without_audio_is_unscorable():
    with pytest.raises(UnscorableError) as info:
        time_one_run(lambda: iter([np.zeros(0)]), 16000)
    assert info.value.code == "no_audio"
