"""What a codec round trip preserves: delay, log-spectral distance and energy dips (a stød proxy).

Danish stød (and glottalisation generally) is a brief creaky constriction inside a syllable: the
signal's energy (and usually F0) dips and recovers within the syllable. A low-bitrate codec that
smooths its latents over 80 ms frames can fill such a dip in. The proxy measured here is the **valley
depth** of the short-time energy contour inside a marked syllable or word: the smaller of the highest
levels before and after its lowest point, minus that lowest point (dB), so a steady fall or rise is no
dip at all. The same span is measured in the original and the decoded audio and their ratio is the
preservation (1: kept; 0: filled in). It is a proxy, not a stød detector: it sees any dip (a stop
closure inside the span dips too), so it is compared between original and decoded, never read alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import signal

FRAME_S = 0.005
"""Hop of the energy contour: 5 ms, as the WORLD analyses elsewhere in evaluation."""
WINDOW_S = 0.020
"""Energy window: 20 ms, shorter than a stød's creaky phase (typically 50-100 ms)."""
FLOOR_DB = -80.0


def align_decoded(
    original: np.ndarray, decoded: np.ndarray, sample_rate: int, *, max_lag_s: float = 0.1
) -> tuple[np.ndarray, np.ndarray, int]:
    """Undo the codec's delay: the lag (samples, decoded behind original when positive) maximising
    their cross-correlation within ``max_lag_s``, and both signals cut to the span they share."""
    original = np.asarray(original, dtype=np.float64)
    decoded = np.asarray(decoded, dtype=np.float64)
    max_lag = int(max_lag_s * sample_rate)
    correlation = signal.correlate(decoded, original, mode="full", method="fft")
    lags = signal.correlation_lags(decoded.size, original.size, mode="full")
    window = np.abs(lags) <= max_lag
    lag = int(lags[window][np.argmax(correlation[window])])
    if lag >= 0:
        decoded = decoded[lag:]
    else:
        original = original[-lag:]
    n = min(original.size, decoded.size)
    return original[:n], decoded[:n], lag


def power_spectrogram(samples: np.ndarray, sample_rate: int, *, frame_s: float = 0.032) -> np.ndarray:
    """|STFT|^2 (frames, bins) with a Hann window of ``frame_s`` and a quarter-window hop."""
    n_fft = int(2 ** np.round(np.log2(frame_s * sample_rate)))
    _, _, spec = signal.stft(
        np.asarray(samples, dtype=np.float64),
        fs=sample_rate,
        window="hann",
        nperseg=n_fft,
        noverlap=n_fft - n_fft // 4,
        boundary=None,
        padded=False,
    )
    return (np.abs(spec) ** 2).T


def match_level(original: np.ndarray, decoded: np.ndarray) -> np.ndarray:
    """``decoded`` scaled to the original's RMS level (a codec's overall gain is not what it loses)."""
    ref_rms = float(np.sqrt(np.mean(np.square(original, dtype=np.float64))))
    dec_rms = float(np.sqrt(np.mean(np.square(decoded, dtype=np.float64))))
    return decoded * (ref_rms / dec_rms) if dec_rms > 0 else decoded


def log_spectral_distance(
    original: np.ndarray, decoded: np.ndarray, sample_rate: int, *, silence_db: float = 60.0
) -> float:
    """Mean over frames of the RMS (over frequency) difference of the log power spectra, in dB.

    Frames where the original is more than ``silence_db`` below its loudest frame are left out
    (silence scores noise against noise). Equal signals give 0; a gain ``g`` gives ``|20 log10 g|``
    (the codec check levels the decoded signal first, see :func:`match_level`).
    """
    ref = power_spectrogram(original, sample_rate)
    dec = power_spectrogram(decoded, sample_rate)
    n = min(len(ref), len(dec))
    ref, dec = ref[:n], dec[:n]
    floor = 1e-12
    ref_db = 10.0 * np.log10(np.maximum(ref, floor))
    dec_db = 10.0 * np.log10(np.maximum(dec, floor))
    frame_level = 10.0 * np.log10(np.maximum(ref.sum(axis=1), floor))
    keep = frame_level >= frame_level.max() - silence_db
    per_frame = np.sqrt(np.mean((ref_db[keep] - dec_db[keep]) ** 2, axis=1))
    return float(per_frame.mean())


def energy_contour(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Frame times (s) and RMS level (dB re full scale, floored at -80) every 5 ms over 20 ms."""
    samples = np.asarray(samples, dtype=np.float64)
    hop = max(1, round(FRAME_S * sample_rate))
    half = max(1, round(WINDOW_S * sample_rate / 2))
    padded = np.pad(samples, half)
    cumulative = np.concatenate([[0.0], np.cumsum(padded**2)])
    centres = np.arange(0, samples.size, hop) + half
    power = (cumulative[centres + half] - cumulative[centres - half]) / (2 * half)
    level = 10.0 * np.log10(np.maximum(power, 10 ** (FLOOR_DB / 10)))
    return (centres - half) / sample_rate, level


VALLEY_RANGE_DB = 30.0
"""Levels more than this below a span's peak count as that floor: a stop closure's silence inside a
word would otherwise read as a dip of 60 dB or more and swamp the ratio."""


def valley_depth(values: np.ndarray, *, floor_below_peak: float = VALLEY_RANGE_DB) -> float:
    """Depth of the deepest valley: max over interior points of min(peak before, peak after) - value,
    with levels floored at ``floor_below_peak`` under the highest one."""
    values = np.asarray(values, dtype=np.float64)
    if values.size < 3:
        return 0.0
    values = np.maximum(values, values.max() - floor_below_peak)
    before = np.maximum.accumulate(values)
    after = np.maximum.accumulate(values[::-1])[::-1]
    return float(max(0.0, np.max(np.minimum(before, after) - values)))


@dataclass(frozen=True)
class DipComparison:
    """Energy valley depth (dB) of one marked span in the original and the decoded audio."""

    label: str
    start_s: float
    end_s: float
    original_db: float
    decoded_db: float

    @property
    def preservation(self) -> float | None:
        """decoded / original depth, capped at 2; None where the original has no dip to keep."""
        if self.original_db < MIN_DIP_DB:
            return None
        return float(min(2.0, self.decoded_db / self.original_db))


MIN_DIP_DB = 3.0
"""Spans whose original valley is shallower than this hold no dip worth preserving; they are left out."""


def compare_dips(
    original: np.ndarray,
    decoded: np.ndarray,
    sample_rate: int,
    spans: Sequence[tuple[str, float, float]],
) -> list[DipComparison]:
    """Valley depth of each ``(label, start_s, end_s)`` span in both (already aligned) signals."""
    times, ref_level = energy_contour(original, sample_rate)
    _, dec_level = energy_contour(decoded, sample_rate)
    n = min(ref_level.size, dec_level.size)
    times, ref_level, dec_level = times[:n], ref_level[:n], dec_level[:n]
    out = []
    for label, start, end in spans:
        inside = (times >= start) & (times <= end)
        if inside.sum() < 3:
            continue
        out.append(
            DipComparison(label, start, end, valley_depth(ref_level[inside]), valley_depth(dec_level[inside]))
        )
    return out
