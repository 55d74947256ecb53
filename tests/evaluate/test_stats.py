from __future__ import annotations

import numpy as np
import pytest

from voxtune.evaluate.metrics.stats import bootstrap_mean_ci, bootstrap_paired_difference_ci


def test_interval_for_a_normal_sample_matches_the_textbook_width():
    rng = np.random.default_rng(1)
    values = rng.normal(5.0, 2.0, size=400)
    ci = bootstrap_mean_ci(values, n_resamples=5000)
    assert ci.estimate == pytest.approx(values.mean())
    assert ci.low < ci.estimate < ci.high
    half_width = 1.96 * values.std(ddof=1) / np.sqrt(values.size)
    assert (ci.high - ci.low) / 2 == pytest.approx(half_width, rel=0.1)


def test_same_seed_same_interval_other_seed_other_interval():
    values = np.random.default_rng(2).exponential(size=50)
    a = bootstrap_mean_ci(values, seed=7, n_resamples=2000)
    b = bootstrap_mean_ci(values, seed=7, n_resamples=2000)
    c = bootstrap_mean_ci(values, seed=8, n_resamples=2000)
    assert (a.low, a.high) == (b.low, b.high)
    assert (a.low, a.high) != (c.low, c.high)


def test_coverage_is_close_to_nominal():
    rng = np.random.default_rng(3)
    covered = 0
    for trial in range(200):
        sample = rng.normal(0.0, 1.0, size=60)
        ci = bootstrap_mean_ci(sample, n_resamples=1000, seed=trial)
        covered += ci.low <= 0.0 <= ci.high
    assert 0.88 <= covered / 200 <= 0.99


def test_constant_values_give_a_point_interval():
    ci = bootstrap_mean_ci([0.1, 0.1, 0.1])
    assert ci.low == ci.estimate == ci.high == pytest.approx(0.1)


def test_paired_difference_sees_a_small_consistent_gain():
    rng = np.random.default_rng(4)
    base = rng.uniform(0.05, 0.6, size=80)  # per-utterance WER, very spread out
    adapter = base - 0.02 + rng.normal(0.0, 0.005, size=80)
    paired = bootstrap_paired_difference_ci(base, adapter)
    assert paired.estimate == pytest.approx(np.mean(adapter - base))
    assert paired.high < 0.0 and paired.excludes(0.0)
    # Two separate intervals overlap heavily: only the paired test resolves the gain.
    base_ci, adapter_ci = bootstrap_mean_ci(base), bootstrap_mean_ci(adapter)
    assert adapter_ci.high > base_ci.low


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 2"):
        bootstrap_mean_ci([1.0])
    with pytest.raises(ValueError, match="NaN"):
        bootstrap_mean_ci([1.0, float("nan")])
    with pytest.raises(ValueError, match="differ in count"):
        bootstrap_paired_difference_ci([1.0, 2.0], [1.0, 2.0, 3.0])
