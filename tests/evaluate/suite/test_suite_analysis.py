"""The suite's shared WORLD analysis gives exactly what the metric functions give on the same pair."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.evaluate.metrics.f0 import f0_metrics
from voxtune.evaluate.metrics.mcd import mel_cepstral_distortion
from voxtune.evaluate.suite.analysis import analyse, analysis_rate, compare_f0, compare_mcd


def test_mcd_and_f0_agree_with_the_metric_functions(read_clip) -> None:
    reference, rate = read_clip(3, "jackson", 0)
    test, _ = read_clip(3, "jackson", 1)  # same digit, another take: different length -> DTW
    ref = analyse(reference, rate, rate=rate, what="reference audio")
    hyp = analyse(test, rate, rate=rate, what="test audio")
    assert compare_mcd(ref, hyp).mcd_db == pytest.approx(
        mel_cepstral_distortion(reference, rate, test, rate).mcd_db, rel=1e-9
    )
    ours = compare_f0(ref, hyp)
    theirs = f0_metrics(reference, rate, test, rate)
    assert ours.alignment == theirs.alignment == "dtw"
    assert ours.voiced_in_both > 0
    # f0_metrics aligns on alpha-0.42 cepstra, the suite on the MCD's (alpha 0.31 at 8 kHz)
    assert ours.rmse_hz == pytest.approx(theirs.rmse_hz, rel=0.25)


def test_identical_signals_compare_as_identical(read_clip) -> None:
    samples, rate = read_clip(7, "george", 2)
    a = analyse(samples, rate, rate=rate, what="reference audio")
    assert compare_mcd(a, a).mcd_db == 0.0
    f0 = compare_f0(a, a)
    assert (f0.rmse_hz, f0.vuv_error_rate, f0.alignment) == (0.0, 0.0, "frames")
    assert f0.correlation == pytest.approx(1.0)


def test_a_rate_without_a_documented_alpha_is_analysed_at_16_khz() -> None:
    assert analysis_rate(24000) == 24000 and analysis_rate(8000) == 8000
    assert analysis_rate(11025) == 16000
    t = np.arange(11025) / 11025
    tone = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    result = analyse(tone, 11025, rate=analysis_rate(11025), what="reference audio")
    assert result.cepstrogram.sample_rate == 16000
    assert any("resampled from 11025 Hz to 16000 Hz" in note for note in result.audio.notes)
