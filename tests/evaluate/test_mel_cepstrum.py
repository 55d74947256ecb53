from __future__ import annotations

import warnings

import numpy as np
import pytest
import soxr

from voxtune.errors import ConfigError
from voxtune.evaluate.metrics.mel_cepstrum import (
    all_pass_alpha,
    envelope_to_cepstrum,
    envelope_to_mel_cepstrum,
    warp_cepstrum,
    warped_frequency,
)
from voxtune.evaluate.metrics.world import world_features


def _smooth_mel_cepstrum(rng: np.random.Generator, order: int) -> np.ndarray:
    return rng.normal(size=order + 1) * 0.8 ** np.arange(order + 1)


def test_alpha_table_and_unknown_rate():
    assert (all_pass_alpha(16000), all_pass_alpha(22050), all_pass_alpha(24000)) == (
        0.42,
        0.455,
        0.466,
    )
    with pytest.raises(ConfigError, match="11025"):
        all_pass_alpha(11025)


def test_envelope_built_from_a_known_mel_cepstrum_gives_it_back():
    rng = np.random.default_rng(3)
    order, alpha, n_fft = 24, 0.42, 1024
    mc = _smooth_mel_cepstrum(rng, order)
    omega = np.linspace(0, np.pi, n_fft // 2 + 1)
    log_amplitude = np.cos(np.outer(warped_frequency(omega, alpha), np.arange(order + 1))) @ mc
    envelope = np.exp(2.0 * log_amplitude)  # power envelope
    recovered = envelope_to_mel_cepstrum(envelope[None, :], order, alpha)[0]
    np.testing.assert_allclose(recovered, mc, atol=1e-6)


def test_warping_matches_numerical_evaluation_of_the_definition():
    # c~(m) = (eps_m / pi) * integral_0^pi ln|H(w(beta))| cos(m beta) d beta, where w(beta) is
    # the inverse warping (all-pass with -alpha) and ln|H(w)| = sum_n c(n) cos(n w).
    rng = np.random.default_rng(5)
    order, alpha = 24, 0.455
    cepstrum = rng.normal(size=60) * 0.9 ** np.arange(60)
    beta = np.linspace(0.0, np.pi, 40001)
    omega = warped_frequency(beta, -alpha)
    log_amplitude = np.cos(np.outer(omega, np.arange(cepstrum.size))) @ cepstrum
    basis = np.cos(np.outer(np.arange(order + 1), beta))
    direct = np.trapezoid(log_amplitude * basis, beta, axis=1) / np.pi
    direct[1:] *= 2.0
    np.testing.assert_allclose(warp_cepstrum(cepstrum[None, :], order, alpha)[0], direct, atol=1e-7)


def test_zero_alpha_is_the_plain_cepstrum():
    rng = np.random.default_rng(0)
    cepstrum = rng.normal(size=(3, 40))
    np.testing.assert_allclose(warp_cepstrum(cepstrum, 24, 0.0), cepstrum[:, :25], atol=1e-12)


def test_cepstrum_reproduces_the_log_envelope():
    rng = np.random.default_rng(1)
    envelope = np.exp(rng.normal(size=(2, 513)))
    c = envelope_to_cepstrum(envelope)
    omega = np.linspace(0, np.pi, 513)
    rebuilt = 2.0 * (c @ np.cos(np.outer(np.arange(513), omega)))
    np.testing.assert_allclose(rebuilt, np.log(envelope), atol=1e-9)


def test_matches_pysptk_sp2mc_on_a_world_envelope(read_clip):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pysptk = pytest.importorskip("pysptk")
    audio, rate = read_clip(7, "jackson", 3)
    audio16 = soxr.resample(audio, rate, 16000)
    envelope = world_features(audio16, 16000).envelope
    ours = envelope_to_mel_cepstrum(envelope, 24, 0.42)
    theirs = np.stack([pysptk.sp2mc(frame, 24, 0.42) for frame in envelope])
    np.testing.assert_allclose(ours, theirs, atol=1e-9)
