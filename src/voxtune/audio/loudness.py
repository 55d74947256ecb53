"""Loudness (ITU-R BS.1770 via pyloudnorm), true peak, normalisation to a target under a ceiling."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyloudnorm
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import firwin, lfilter

from voxtune.audio.convert import as_channels_first

GATING_BLOCK_SECONDS = 0.4
_ANTI_SUBNORMAL = 1e-15
OVERSAMPLING = 4
_TAPS_PER_PHASE = 12

# 48-tap windowed-sinc interpolator (12 taps per phase), the size of BS.1770-4 Annex 2's example
# filter. Row k, column p holds tap 4k + p: phase p's output is sum_k taps[k, p] * x[n - k].
_INTERPOLATOR = (firwin(OVERSAMPLING * _TAPS_PER_PHASE, 0.24) * OVERSAMPLING).reshape(
    _TAPS_PER_PHASE, OVERSAMPLING
)
# No interpolated value can exceed (largest per-phase sum of |taps|) x (largest nearby |sample|).
_INTERPOLATOR_GAIN_BOUND = float(np.abs(_INTERPOLATOR).sum(axis=0).max())


def integrated_loudness(audio: np.ndarray, sample_rate: int) -> float:
    """Gated integrated loudness in LUFS (BS.1770-4, K-weighted, via pyloudnorm).

    A signal shorter than one 400 ms gating block is measured as a single block spanning the whole
    signal (its ungated K-weighted power), so short clips still get a comparable number. Silence, or
    anything under the -70 LUFS absolute gate, returns ``-inf``. An empty signal raises ValueError.
    """
    audio = as_channels_first(audio)
    if audio.shape[1] == 0:
        raise ValueError("cannot measure the loudness of an empty signal")
    block = min(GATING_BLOCK_SECONDS, audio.shape[1] / sample_rate)
    meter = pyloudnorm.Meter(sample_rate, block_size=block)
    samples = np.ascontiguousarray(audio.T, dtype=np.float64)
    # A -300 dBFS alternating-sign signal keeps the K-weighting filters' output out of subnormal
    # numbers, which make them 2-3x slower on audio with digital silence; no reading changes.
    samples[0::2] += _ANTI_SUBNORMAL
    samples[1::2] -= _ANTI_SUBNORMAL
    loudness = meter.integrated_loudness(samples)
    return float(loudness) if np.isfinite(loudness) else -math.inf


def true_peak(audio: np.ndarray) -> float:
    """Largest |value| of the signal reconstructed at 4x the sample rate (linear, >= sample peak).

    The 4x polyphase interpolation is only evaluated near samples loud enough to matter: a value
    between samples is bounded by the interpolator's gain times its nearby samples, so quiet
    stretches cannot hold the peak. That keeps this exact (for this interpolator) and fast.
    """
    audio = as_channels_first(audio)
    if audio.size == 0:
        return 0.0
    sample_peak = float(np.max(np.abs(audio)))
    if sample_peak == 0.0:
        return 0.0
    threshold = sample_peak / _INTERPOLATOR_GAIN_BOUND
    peak = sample_peak
    for channel in audio:
        loud = np.flatnonzero(np.abs(channel) >= threshold)
        if loud.size == 0:
            continue
        # Output n (of the full convolution) uses samples n-11..n: keep every output whose window
        # holds a loud sample. padded[n + j] = x[n + j - 11], so window n reversed is x[n - k].
        positions = np.unique((loud[:, None] + np.arange(_TAPS_PER_PHASE)).ravel())
        zeros = np.zeros(_TAPS_PER_PHASE - 1, np.float64)
        padded = np.concatenate([zeros, channel.astype(np.float64), zeros])
        windows = sliding_window_view(padded, _TAPS_PER_PHASE)[positions][:, ::-1]
        peak = max(peak, float(np.max(np.abs(windows @ _INTERPOLATOR))))
    return peak


def true_peak_dbtp(audio: np.ndarray) -> float:
    """:func:`true_peak` in dB relative to full scale (dBTP); ``-inf`` for silence."""
    peak = true_peak(audio)
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


@dataclass(frozen=True)
class LoudnessNormalization:
    """The result of :func:`normalize_loudness`: the scaled audio and what was measured and done.

    ``peak_limited`` is True when the true-peak ceiling, not the loudness target, set the gain; the
    output is then quieter than the target by ``target_lufs - output_lufs``.
    """

    audio: np.ndarray
    input_lufs: float
    output_lufs: float
    gain_db: float
    input_true_peak_dbtp: float
    output_true_peak_dbtp: float
    peak_limited: bool


def normalize_loudness(
    audio: np.ndarray,
    sample_rate: int,
    *,
    target_lufs: float = -23.0,
    true_peak_ceiling_dbtp: float = -1.0,
) -> LoudnessNormalization:
    """Scale ``audio`` by one gain so it measures ``target_lufs``, unless that would push the 4x
    true peak over ``true_peak_ceiling_dbtp``; then the gain stops at the ceiling (no limiter, no
    distortion). Silent audio (``-inf`` LUFS) is returned unchanged with a gain of 0 dB.
    """
    audio = as_channels_first(audio)
    input_lufs = integrated_loudness(audio, sample_rate)
    input_peak = true_peak_dbtp(audio)
    if not math.isfinite(input_lufs):
        return LoudnessNormalization(
            audio=audio.astype(np.float32, copy=True),
            input_lufs=input_lufs,
            output_lufs=input_lufs,
            gain_db=0.0,
            input_true_peak_dbtp=input_peak,
            output_true_peak_dbtp=input_peak,
            peak_limited=False,
        )
    gain_db = target_lufs - input_lufs
    peak_limited = input_peak + gain_db > true_peak_ceiling_dbtp
    if peak_limited:
        gain_db = true_peak_ceiling_dbtp - input_peak
    scaled = (audio * np.float32(10.0 ** (gain_db / 20.0))).astype(np.float32)
    return LoudnessNormalization(
        audio=scaled,
        # Loudness and true peak both scale exactly with a constant gain.
        input_lufs=input_lufs,
        output_lufs=input_lufs + gain_db,
        gain_db=gain_db,
        input_true_peak_dbtp=input_peak,
        output_true_peak_dbtp=input_peak + gain_db,
        peak_limited=peak_limited,
    )


class StreamingLoudness:
    """BS.1770-4 integrated loudness and true peak of a signal fed block by block.

    For files too long to hold in memory: the K-weighting filters (pyloudnorm's coefficients) keep
    their state across blocks; gating blocks of 400 ms with 75 % overlap are assembled from 100 ms
    sub-blocks, then the absolute (-70 LUFS) and relative (-10 LU) gates apply as in
    :func:`integrated_loudness`, which this matches on whole signals to a few hundredths of a LU.
    """

    _CHANNEL_GAINS = (1.0, 1.0, 1.0, 1.41, 1.41)

    def __init__(self, sample_rate: int, channels: int):
        if channels > len(self._CHANNEL_GAINS):
            raise ValueError(f"BS.1770 weights at most {len(self._CHANNEL_GAINS)} channels, got {channels}")
        meter = pyloudnorm.Meter(sample_rate)
        # pyloudnorm does not expose its filter design; its coefficients are the standard ones.
        self._filters = [(stage.b, stage.a) for stage in meter._filters.values()]
        self._state = [[np.zeros(max(len(a), len(b)) - 1) for b, a in self._filters] for _ in range(channels)]
        self._step = round(sample_rate * GATING_BLOCK_SECONDS / 4)
        self._pending = np.zeros((channels, 0))
        self._sub_blocks: list[float] = []
        self._gains = np.asarray(self._CHANNEL_GAINS[:channels])[:, None]
        self.peak = 0.0

    def add(self, block: np.ndarray) -> None:
        """Feed the next ``(channels, samples)`` block."""
        block = as_channels_first(block).astype(np.float64)
        self.peak = max(self.peak, true_peak(block))
        weighted = np.empty_like(block)
        for index, channel in enumerate(block):
            for stage, (b, a) in enumerate(self._filters):
                channel, self._state[index][stage] = lfilter(b, a, channel, zi=self._state[index][stage])
            weighted[index] = channel
        data = np.concatenate([self._pending, weighted], axis=1)
        usable = data.shape[1] // self._step * self._step
        if usable:
            squares = (data[:, :usable] ** 2).reshape(data.shape[0], -1, self._step).mean(axis=2)
            self._sub_blocks.extend((self._gains * squares).sum(axis=0).tolist())
        self._pending = data[:, usable:]

    def loudness(self) -> float:
        """Integrated loudness in LUFS of everything fed so far (``-inf`` for silence or < 400 ms)."""
        subs = np.asarray(self._sub_blocks)
        if subs.size < 4:
            return -math.inf
        blocks = sliding_window_view(subs, 4).mean(axis=1)
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10.0 * np.log10(blocks)
        gated = blocks[levels >= -70.0]
        if gated.size == 0:
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(gated.mean()) - 10.0
        kept = blocks[(levels > relative) & (levels > -70.0)]
        return -0.691 + 10.0 * math.log10(kept.mean()) if kept.size else -math.inf

    @property
    def true_peak_dbtp(self) -> float:
        return 20.0 * math.log10(self.peak) if self.peak > 0 else -math.inf
