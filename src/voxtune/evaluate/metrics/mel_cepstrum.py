"""Spectral envelope -> mel-cepstrum by all-pass frequency warping of the real cepstrum.

Hand-written because the library that does this (SPTK, via pysptk) is a source-only C build; the
test suite cross-checks this against ``pysptk.sp2mc`` where it is installed, and against a direct
numerical evaluation of the definition.

Convention (SPTK's): the mel-cepstrum ``c~`` of an envelope ``|H|`` satisfies
``ln|H(w)| = sum_m c~(m) cos(m * beta(w))`` where ``beta`` is the phase response of the first-order
all-pass ``(z^-1 - alpha) / (1 - alpha z^-1)``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from voxtune.errors import ConfigError

ALPHA_BY_SAMPLE_RATE: dict[int, float] = {
    8000: 0.31,
    16000: 0.42,
    22050: 0.455,
    24000: 0.466,
    32000: 0.50,
    44100: 0.53,
    48000: 0.55,
}
"""All-pass constant that makes the warped frequency axis approximate the mel scale at each rate.

The usual SPTK values (16 kHz 0.42, 22.05 kHz 0.455, 24 kHz 0.466, 44.1 kHz 0.53, 48 kHz 0.55);
other rates are refused rather than guessed so that scores stay comparable.
"""


def all_pass_alpha(sample_rate: int) -> float:
    """The documented all-pass constant for ``sample_rate``; :class:`ConfigError` if none is."""
    try:
        return ALPHA_BY_SAMPLE_RATE[int(sample_rate)]
    except KeyError:
        known = ", ".join(str(rate) for rate in sorted(ALPHA_BY_SAMPLE_RATE))
        raise ConfigError(
            f"no mel-cepstrum all-pass constant is defined for {sample_rate} Hz",
            hint=f"resample to one of {known} Hz",
        ) from None


def warped_frequency(omega: np.ndarray, alpha: float) -> np.ndarray:
    """Phase response of the all-pass: linear frequency (rad) -> warped frequency (rad)."""
    return omega + 2.0 * np.arctan2(alpha * np.sin(omega), 1.0 - alpha * np.cos(omega))


def envelope_to_cepstrum(power_envelope: np.ndarray) -> np.ndarray:
    """Power spectral envelope (frames, n_fft/2+1) -> real cepstrum in SPTK's convention.

    Returns quefrencies 0..n_fft/2 such that ``ln|H(w)| = sum_n c(n) cos(n w)``.
    """
    envelope = np.atleast_2d(np.asarray(power_envelope, dtype=np.float64))
    n_bins = envelope.shape[-1]
    # irfft of log power = two-sided cepstrum of 2 ln|H|; its halves at 0 and Nyquist are shared.
    two_sided = np.fft.irfft(np.log(envelope), axis=-1)
    cepstrum = two_sided[..., :n_bins].copy()
    cepstrum[..., 0] /= 2.0
    cepstrum[..., -1] /= 2.0
    return cepstrum


@lru_cache(maxsize=16)
def _warping_matrix(n_in: int, order: int, alpha: float) -> np.ndarray:
    """(order+1, n_in) matrix mapping a linear cepstrum to its first order+1 warped coefficients.

    Runs the classic first-order all-pass recursion (Oppenheim & Johnson) on the identity, so
    each column is the warped image of one unit cepstral coefficient.
    """
    beta = 1.0 - alpha * alpha
    g = np.zeros((order + 1, n_in))
    unit = np.eye(n_in)
    for i in range(n_in - 1, -1, -1):
        d = g.copy()
        g[0] = unit[i] + alpha * d[0]
        if order >= 1:
            g[1] = beta * d[0] + alpha * d[1]
        for j in range(2, order + 1):
            g[j] = d[j - 1] + alpha * (d[j] - g[j - 1])
    g.setflags(write=False)
    return g


def warp_cepstrum(cepstrum: np.ndarray, order: int, alpha: float) -> np.ndarray:
    """Linear cepstrum (frames, n) -> mel-cepstrum (frames, order+1) for all-pass ``alpha``."""
    cepstrum = np.atleast_2d(np.asarray(cepstrum, dtype=np.float64))
    return cepstrum @ _warping_matrix(cepstrum.shape[-1], order, float(alpha)).T


def envelope_to_mel_cepstrum(power_envelope: np.ndarray, order: int, alpha: float) -> np.ndarray:
    """WORLD-style power envelope (frames, n_fft/2+1) -> mel-cepstrum (frames, order+1)."""
    return warp_cepstrum(envelope_to_cepstrum(power_envelope), order, alpha)
