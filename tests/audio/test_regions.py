from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.regions import Region, frame_mask, gaps


def test_region_rejects_negative_durations():
    assert Region(1.0, 2.5).duration == 1.5
    with pytest.raises(ValueError):
        Region(2.0, 1.0)


def test_frame_mask_uses_overlap_fraction():
    regions = [Region(0.015, 0.05), Region(0.091, 0.2)]
    # frames of 0.02 s: [0,.02) covered 25%, [.02,.04) 100%, [.04,.06) 50%, [.08,.1) 45%
    np.testing.assert_array_equal(
        frame_mask(regions, 8, 0.02),
        [False, True, True, False, False, True, True, True],
    )
    np.testing.assert_array_equal(
        frame_mask(regions, 8, 0.02, min_overlap=1e-6),
        [True, True, True, False, True, True, True, True],
    )
    assert not frame_mask([Region(5.0, 6.0)], 8, 0.02).any()


def test_frame_mask_matches_a_sample_level_reference():
    rng = np.random.default_rng(0)
    starts = np.sort(rng.uniform(0, 10, 12))
    regions = [Region(s, s + d) for s, d in zip(starts, rng.uniform(0.01, 0.5, 12), strict=True)]
    rate, frame = 1000, 0.025
    covered = np.zeros(10 * rate, bool)
    for region in regions:
        covered[round(region.start * rate) : round(region.end * rate)] = True
    reference = covered.reshape(-1, round(frame * rate)).mean(axis=1) >= 0.5
    mask = frame_mask(regions, reference.size, frame)
    assert (mask != reference).sum() <= 2  # sample rounding at exact 50% overlaps


def test_gaps_are_the_complement():
    regions = [Region(0.5, 1.0), Region(0.8, 1.5), Region(3.0, 4.0)]
    assert gaps(regions, 5.0) == [Region(0.0, 0.5), Region(1.5, 3.0), Region(4.0, 5.0)]
    assert gaps([], 2.0) == [Region(0.0, 2.0)]
    assert gaps([Region(0.0, 2.0)], 2.0) == []
