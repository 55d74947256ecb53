"""Codec measures on constructed signals: delay, log-spectral distance, energy valleys, marked words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtune.corpus import fields
from voxtune.evaluate.codec.check import marked_spans
from voxtune.evaluate.codec.measures import (
    VALLEY_RANGE_DB,
    align_decoded,
    compare_dips,
    energy_contour,
    log_spectral_distance,
    match_level,
    valley_depth,
)
from voxtune.sources.items import cut_from_file

RATE = 16000


def voiced(seconds: float, f0: float = 140.0, seed: int = 0) -> np.ndarray:
    """A harmonic 'vowel' with a little noise, so cross-correlation has one clear peak."""
    t = np.arange(int(seconds * RATE)) / RATE
    wave = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 20) if k * f0 < RATE / 2)
    noise = np.random.default_rng(seed).normal(0, 0.01, t.size)
    return (0.2 * wave + noise).astype(np.float64)


def with_dip(samples: np.ndarray, start_s: float, length_s: float, depth_db: float) -> np.ndarray:
    """``samples`` with its level lowered by ``depth_db`` over a span (10 ms raised-cosine edges)."""
    gain = np.ones(samples.size)
    a, n, edge = int(start_s * RATE), int(length_s * RATE), int(0.01 * RATE)
    low = 10 ** (-depth_db / 20)
    ramp = low + (1 - low) * 0.5 * (1 + np.cos(np.linspace(0, np.pi, edge)))
    gain[a : a + edge] = ramp
    gain[a + edge : a + n - edge] = low
    gain[a + n - edge : a + n] = ramp[::-1]
    return samples * gain


@pytest.mark.parametrize("delay", [37, -50, 0])
def test_align_decoded_finds_and_removes_a_known_delay(delay: int) -> None:
    original = voiced(0.5)
    decoded = np.concatenate([np.zeros(delay), original]) if delay >= 0 else original[-delay:]
    ref, dec, lag = align_decoded(original, decoded, RATE)
    assert lag == delay
    assert np.allclose(ref, dec)


def test_log_spectral_distance_known_answers() -> None:
    x = voiced(0.6)
    assert log_spectral_distance(x, x, RATE) == 0.0
    assert log_spectral_distance(x, 0.5 * x, RATE) == pytest.approx(
        20 * np.log10(2), rel=1e-4
    )  # bins at the floor
    assert log_spectral_distance(x, match_level(x, 0.5 * x), RATE) == pytest.approx(0.0, abs=1e-9)
    noisy = x + np.random.default_rng(3).normal(0, 0.05, x.size)
    assert log_spectral_distance(x, noisy, RATE) > 1.0


def test_energy_contour_of_a_sine_is_its_rms_level() -> None:
    t = np.arange(RATE) / RATE
    times, level = energy_contour(0.5 * np.sin(2 * np.pi * 1000 * t), RATE)
    assert times[1] - times[0] == pytest.approx(0.005)
    assert np.allclose(level[10:-10], 20 * np.log10(0.5 / np.sqrt(2)), atol=0.05)


def test_valley_depth_known_answers() -> None:
    assert valley_depth(np.array([0.0, -12.0, 0.0])) == 12.0
    assert valley_depth(np.array([0.0, -12.0, -3.0])) == 9.0  # the lower rim bounds the valley
    assert valley_depth(np.linspace(0.0, -20.0, 50)) == 0.0  # a fall is not a dip
    assert valley_depth(np.array([0.0, -80.0, 0.0])) == VALLEY_RANGE_DB  # silence is floored


def test_a_dip_is_measured_kept_and_lost() -> None:
    word = ("stød", 0.2, 0.6)
    original = with_dip(voiced(0.8), 0.35, 0.1, 15.0)
    kept = compare_dips(original, original, RATE, [word])[0]
    assert kept.original_db == pytest.approx(15.0, abs=0.8)
    assert kept.preservation == pytest.approx(1.0)
    lost = compare_dips(original, voiced(0.8), RATE, [word])[0]
    assert lost.decoded_db < 1.0 and lost.preservation < 0.1
    halved = compare_dips(original, with_dip(voiced(0.8), 0.35, 0.1, 7.5), RATE, [word])[0]
    assert halved.preservation == pytest.approx(0.5, abs=0.06)
    flat = compare_dips(voiced(0.8), voiced(0.8), RATE, [word])[0]
    assert flat.preservation is None  # no dip in the original: nothing to keep


def test_words_are_marked_by_glottal_phonemes_or_by_name(tmp_path: Path) -> None:
    path = tmp_path / "da.wav"
    sf.write(str(path), voiced(1.2), RATE)
    words = [["hvor", 0.0, 0.3], ["meget", 0.3, 0.6], ["koster", 0.6, 1.0]]
    cut = cut_from_file(path, "da", text="hvor meget koster", language="da", words=words)
    cut.supervisions[0].custom[fields.WORD_PHONEMES] = ["ʋˈɒ", "mˈɑɑəð", "kˈʔʌstʔʌ"]
    assert marked_spans(cut, [], ["ʔ"]) == [("koster", 0.6, 1.0)]
    assert marked_spans(cut, ["HVOR"], ["ʔ"]) == [("hvor", 0.0, 0.3), ("koster", 0.6, 1.0)]
    later = cut.truncate(offset=0.5)  # alignment times stay on the recording's clock
    assert marked_spans(later, [], ["ʔ"]) == [("koster", 0.1, 0.5)]
