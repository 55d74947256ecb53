from __future__ import annotations

import numpy as np
import pytest

from support.evaluation import harmonic_tone
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.f0 import compare_f0_tracks, extract_f0, f0_metrics

RATE = 16000


def _contour(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return 180.0 + 20.0 * np.sin(2 * np.pi * 3 * t)


def test_track_comparison_known_answers():
    ref = np.array([100.0, 200.0, 0.0, 300.0, 0.0, 400.0])
    test = np.array([110.0, 190.0, 0.0, 0.0, 120.0, 400.0])
    result = compare_f0_tracks(ref, test)
    # voiced in both: frames 0, 1, 5 -> errors 10, -10, 0 Hz
    assert result.voiced_in_both == 3
    assert result.rmse_hz == pytest.approx(np.sqrt(200 / 3))
    cents = 1200 * np.log2([110 / 100, 190 / 200, 1.0])
    assert result.rmse_cents == pytest.approx(np.sqrt(np.mean(cents**2)))
    assert result.vuv_error_rate == pytest.approx(2 / 6)  # frames 3 and 4
    assert result.correlation == pytest.approx(np.corrcoef([100, 200, 400], [110, 190, 400])[0, 1])


def test_track_comparison_along_a_path_and_without_common_voicing():
    ref = np.array([100.0, 200.0])
    test = np.array([100.0, 100.0, 200.0])
    path = (np.array([0, 0, 1]), np.array([0, 1, 2]))
    assert compare_f0_tracks(ref, test, path=path).rmse_hz == 0.0
    with pytest.raises(UnscorableError) as info:
        compare_f0_tracks(np.array([0.0, 100.0]), np.array([100.0, 0.0]))
    assert info.value.code == "no_common_voiced_frames"


def test_harvest_tracks_a_synthetic_contour():
    contour = _contour(1.0)
    f0 = extract_f0(harmonic_tone(contour, RATE), RATE)
    truth = contour[np.minimum(np.arange(f0.size) * RATE // 200, contour.size - 1)]
    voiced = f0 > 0
    assert voiced.mean() > 0.95
    assert np.sqrt(np.mean((f0[voiced] - truth[voiced]) ** 2)) < 2.0


def test_known_pitch_shift_gives_the_known_rmse():
    contour = _contour(1.5)
    ratio = 2 ** (50 / 1200)  # +50 cents
    ref = harmonic_tone(contour, RATE)
    shifted = harmonic_tone(contour * ratio, RATE)
    result = f0_metrics(ref, RATE, shifted, RATE)
    expected_hz = np.sqrt(np.mean((contour * (ratio - 1)) ** 2))
    assert result.alignment == "frames"
    assert result.rmse_cents == pytest.approx(50.0, abs=2.0)
    assert result.rmse_hz == pytest.approx(expected_hz, abs=0.3)
    assert result.vuv_error_rate < 0.02
    assert result.correlation > 0.99


def test_voiced_unvoiced_errors_on_known_segments():
    rng = np.random.default_rng(0)
    voiced = harmonic_tone(_contour(1.5), RATE)
    third = voiced.size // 3
    gapped = voiced.copy()
    gapped[third : 2 * third] = 0.001 * rng.standard_normal(third)  # unvoiced middle third
    result = f0_metrics(voiced, RATE, gapped, RATE)
    assert result.vuv_error_rate == pytest.approx(1 / 3, abs=0.05)
    same = f0_metrics(gapped, RATE, gapped, RATE)
    assert same.vuv_error_rate == 0.0
    assert same.rmse_hz == 0.0


def test_different_lengths_are_aligned_by_dtw(read_clip):
    rng = np.random.default_rng(1)
    clip, rate = read_clip(8, "jackson", 4)
    hiss = 0.001 * rng.standard_normal(rate // 4).astype(np.float32)
    ref = np.concatenate([hiss[: rate // 20], clip, hiss[: rate // 20]])
    delayed = np.concatenate([hiss, clip, hiss[: rate // 20]])  # 0.2 s longer lead-in
    result = f0_metrics(ref, rate, delayed, rate)
    assert result.alignment == "dtw"
    assert any("DTW" in note for note in result.notes)
    assert result.rmse_hz < 2.0
    assert result.vuv_error_rate < 0.05
    naive = f0_metrics(ref, rate, delayed, rate, align="frames")
    assert naive.alignment == "frames"
    assert naive.rmse_hz > 5 * max(result.rmse_hz, 1.0)
