from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.regions import Region
from voxtune.audio.segment import Segment, SegmentPlan, plan_segments
from voxtune.audio.vad import detect_speech

SPEAKERS = ["george", "jackson", "lucas", "nicolas"]


def _regions(*spans: tuple[float, float]) -> list[Region]:
    return [Region(a, b) for a, b in spans]


def _check_plan(plan: SegmentPlan, regions: list[Region], low: float, high: float) -> None:
    """Invariants of every plan: lengths in range, edges inside pauses, all speech accounted for."""
    for segment in plan.segments:
        assert low - 1e-9 <= segment.duration <= high + 1e-9
        assert segment.start <= segment.speech[0].start and segment.end >= segment.speech[-1].end
        for region in regions:  # no edge cuts through a region
            assert not region.start < segment.start < region.end
            assert not region.start < segment.end < region.end
    for earlier, later in zip(plan.segments, plan.segments[1:], strict=False):
        assert earlier.end <= later.start + 1e-9
    placed = [r for s in plan.segments for r in s.speech]
    rejected = [r for r in regions if any(x.region.start <= r.start and r.end <= x.region.end
                                          for x in plan.rejected)]  # fmt: skip
    assert sorted(placed + rejected) == sorted(regions)


def test_cuts_at_the_long_pause_near_the_target():
    # One-second words with 0.2 s gaps, except a 1.2 s pause after the fifth word (at 5.8 s).
    spans, t = [], 0.0
    for word in range(10):
        spans.append((t, t + 1.0))
        t += 1.0 + (1.2 if word == 4 else 0.2)
    regions = _regions(*spans)
    plan = plan_segments(regions, min_seconds=2.0, max_seconds=10.0, target_seconds=6.0)
    _check_plan(plan, regions, 2.0, 10.0)
    assert [len(s.speech) for s in plan.segments] == [5, 5]
    assert plan.segments[0].end == pytest.approx(5.8 + 0.2)
    assert plan.segments[1].start == pytest.approx(7.0 - 0.2)
    assert plan.rejected == []


def test_prefers_a_longer_pause_to_the_exact_target_length():
    regions = _regions((0, 3), (3.1, 6), (6.8, 9.5), (9.6, 12), (12.1, 15))
    plan = plan_segments(regions, min_seconds=5, max_seconds=12, target_seconds=9.0)
    assert plan.segments[0].speech[-1].end == 6  # the 0.8 s pause, not 9.5 (0.1 s)


def test_a_pause_longer_than_max_pause_always_splits():
    regions = _regions((0, 2), (6, 8))
    plan = plan_segments(regions, min_seconds=1, max_seconds=30, max_pause_seconds=3.0)
    assert len(plan.segments) == 2
    joined = plan_segments(regions, min_seconds=1, max_seconds=30, max_pause_seconds=5.0)
    assert len(joined.segments) == 1 and joined.segments[0].speech == tuple(regions)


def test_overlong_speech_is_reported_not_cut():
    regions = _regions((0, 3), (3.3, 17.3), (17.6, 20), (20.2, 23))
    plan = plan_segments(regions, min_seconds=2, max_seconds=10, pad_seconds=0.1)
    _check_plan(plan, regions, 2, 10)
    assert [r.code for r in plan.rejected] == ["overlong_speech"]
    assert plan.rejected[0].region == Region(3.3, 17.3)
    assert "14.00 s" in plan.rejected[0].reason
    assert [s.speech for s in plan.segments] == [tuple(regions[:1]), tuple(regions[2:])]


def test_isolated_short_speech_is_reported():
    regions = _regions((0, 4), (4.2, 8), (20, 20.6), (40, 44))
    plan = plan_segments(regions, min_seconds=2, max_seconds=10, max_pause_seconds=3)
    _check_plan(plan, regions, 2, 10)
    assert [(r.code, r.region) for r in plan.rejected] == [("isolated_speech", Region(20, 20.6))]


def test_padding_is_shared_in_short_pauses_and_clamped_at_the_ends():
    regions = _regions((0.05, 2.0), (2.1, 4.0), (9.0, 12.0))
    plan = plan_segments(regions, min_seconds=1.5, max_seconds=2.5, pad_seconds=0.3, duration=12.1)
    assert plan.segments == [
        Segment(0.0, 2.05, tuple(regions[:1])),
        Segment(2.05, 4.3, tuple(regions[1:2])),
    ]
    assert [r.code for r in plan.rejected] == ["overlong_speech"]  # 3 s > 2.5 s


def test_pads_shrink_to_fit_the_maximum():
    regions = _regions((1.0, 11.4))  # 10.4 s of speech; with 0.2 s pads it would be 10.8 s
    plan = plan_segments(regions, min_seconds=2, max_seconds=10.6, pad_seconds=0.2)
    (segment,) = plan.segments
    assert segment.duration == pytest.approx(10.6)
    assert segment.start == pytest.approx(0.9) and segment.end == pytest.approx(11.5)


def test_unsorted_overlapping_and_empty_input():
    assert plan_segments([], min_seconds=1, max_seconds=2) == SegmentPlan([], [])
    plan = plan_segments(_regions((2, 3), (0, 1.5), (1.2, 1.8)), min_seconds=1, max_seconds=5)
    assert plan.segments[0].speech == (Region(0, 1.8), Region(2, 3))
    with pytest.raises(ValueError):
        plan_segments([], min_seconds=3, max_seconds=2)


@pytest.mark.parametrize("seed", range(20))
def test_invariants_hold_on_random_region_lists(seed):
    rng = np.random.default_rng(seed)
    t, regions = rng.uniform(0, 2), []
    for _ in range(int(rng.integers(1, 80))):
        length = float(rng.choice([rng.uniform(0.1, 3), rng.uniform(3, 14)], p=[0.9, 0.1]))
        regions.append(Region(t, t + length))
        t += length + float(rng.choice([rng.uniform(0.05, 1), rng.uniform(1, 8)], p=[0.8, 0.2]))
    low, high = sorted(rng.uniform(1, 15, 2))
    high = max(high, low + 1)
    plan = plan_segments(regions, min_seconds=low, max_seconds=high, duration=t)
    _check_plan(plan, regions, low, high)
    assert all(r.code in ("overlong_speech", "isolated_speech") for r in plan.rejected)
    assert all(r.region.duration > high for r in plan.rejected if r.code == "overlong_speech")


@pytest.mark.parametrize(("low", "high"), [(2.0, 6.0), (4.0, 10.0)])
def test_real_speech_is_cut_only_inside_known_pauses(vad, utterance, low, high):
    """FSDD digits of four speakers with 0.3-0.8 s pauses: VAD, then plan 2-6 s / 4-10 s clips."""
    rng = np.random.default_rng(int(low * 10))
    picks = [(int(rng.integers(10)), SPEAKERS[i % 4], int(rng.integers(50))) for i in range(24)]
    made = utterance(picks, list(rng.uniform(0.3, 0.8, 23)))
    duration = made.audio.size / made.sample_rate
    regions = detect_speech(made.audio, made.sample_rate, vad, min_speech_seconds=0.1)
    plan = plan_segments(regions, min_seconds=low, max_seconds=high, duration=duration)
    _check_plan(plan, regions, low, high)
    assert len(plan.segments) >= 3 and plan.rejected == []
    edges = [e for s in plan.segments for e in (s.start, s.end)]
    lead, tail = made.spans[0][0], duration - made.spans[-1][1]
    allowed = [(0.0, lead), *made.pauses, (duration - tail, duration)]
    for edge in edges:
        assert any(a - 1e-9 <= edge <= b + 1e-9 for a, b in allowed), edge
    covered = sum(any(s.start <= a and b <= s.end for s in plan.segments) for a, b in made.spans)
    assert covered == len(made.spans)  # every digit whole inside a segment
