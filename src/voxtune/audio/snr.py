"""Signal-to-noise estimates: blind WADA-SNR and a VAD-based speech-to-noise ratio."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from voxtune.audio.convert import apply_channel_policy, to_float32
from voxtune.audio.levels import frame_power_db
from voxtune.audio.regions import Region, frame_mask

# WADA-SNR lookup table (C. Kim and R. M. Stern, "Robust signal-to-noise ratio estimation based on
# waveform amplitude distribution analysis", Interspeech 2008). Entry i is
# G = log(E|z|) - E[log|z|] for z = s + n at an SNR of (i - 20) dB, where the clean-speech amplitude
# |s| is gamma-distributed with shape 0.4 and n is white Gaussian noise. The numbers are the table
# in wada_snr.m of D. Ellis's snreval toolkit (LabROSA, Columbia University), the authors' reference
# implementation of the paper; tests/audio/test_snr.py re-derives them by simulation.
WADA_SNR_DB = np.arange(-20, 101, dtype=np.float64)
WADA_G = np.array([
    0.40974774, 0.40986926, 0.40998566, 0.40969089, 0.40986186, 0.40999006,
    0.41027138, 0.41052627, 0.41101024, 0.41143264, 0.41231718, 0.41337272,
    0.41526426, 0.41781920, 0.42077252, 0.42452799, 0.42918886, 0.43510373,
    0.44234195, 0.45161485, 0.46221153, 0.47491647, 0.48883809, 0.50509236,
    0.52353709, 0.54372088, 0.56532427, 0.58847532, 0.61346212, 0.63954496,
    0.66750818, 0.69583724, 0.72454762, 0.75414799, 0.78323148, 0.81240985,
    0.84219775, 0.87166406, 0.90030504, 0.92880418, 0.95655449, 0.98353490,
    1.01047155, 1.03620950, 1.06136425, 1.08579312, 1.10948190, 1.13277995,
    1.15472826, 1.17627308, 1.19703503, 1.21671694, 1.23535898, 1.25364313,
    1.27103891, 1.28718029, 1.30302865, 1.31839527, 1.33294817, 1.34700935,
    1.36057270, 1.37345513, 1.38577122, 1.39733504, 1.40856397, 1.41959619,
    1.42983624, 1.43958467, 1.44902176, 1.45804831, 1.46669568, 1.47486938,
    1.48269965, 1.49034339, 1.49748214, 1.50435106, 1.51076426, 1.51698915,
    1.52290970, 1.52857800, 1.53389835, 1.53912110, 1.54390650, 1.54858517,
    1.55310776, 1.55744391, 1.56164927, 1.56566348, 1.56938671, 1.57307767,
    1.57654764, 1.57980083, 1.58304129, 1.58602496, 1.58880681, 1.59162477,
    1.59419690, 1.59693155, 1.59944600, 1.60185011, 1.60408668, 1.60627134,
    1.60826199, 1.61004547, 1.61192472, 1.61369656, 1.61534074, 1.61688905,
    1.61838916, 1.61985374, 1.62135878, 1.62268119, 1.62390423, 1.62513143,
    1.62632463, 1.62740270, 1.62842767, 1.62945532, 1.63033070, 1.63128026,
    1.63204102,
])  # fmt: skip
_WADA_FLOOR = 1e-10  # |z| floor after peak normalisation, as in the reference implementation


def wada_amplitude_statistic(audio: np.ndarray) -> float | None:
    """G = log(mean |z|) - mean(log |z|) of the peak-normalised mono mix; None if all zeros."""
    magnitude = np.abs(apply_channel_policy(to_float32(audio), "mix")[0])
    peak = float(magnitude.max()) if magnitude.size else 0.0
    if peak == 0.0:
        return None
    # float32 logs, float64 sums: twice as fast as all-float64 and the same to 1e-6.
    magnitude = np.maximum(magnitude / np.float32(peak), np.float32(_WADA_FLOOR))
    mean_magnitude = max(float(magnitude.mean(dtype=np.float64)), _WADA_FLOOR)
    return math.log(mean_magnitude) - float(np.log(magnitude).mean(dtype=np.float64))


def wada_snr(audio: np.ndarray) -> float | None:
    """Blind SNR estimate in dB (Kim & Stern 2008), clamped to the table's -20..100 dB.

    Assumes speech in additive, roughly white, stationary noise; the SNR it reports is average
    speech power (pauses included) over noise power. Digital silence (exact zeros) counts as very
    clean, as in the reference implementation. Returns None for an empty or all-zero signal.
    """
    statistic = wada_amplitude_statistic(audio)
    if statistic is None:
        return None
    # The reference lookup: the last table entry below the statistic, interpolated to the next one.
    below = np.flatnonzero(statistic > WADA_G)
    if below.size == 0:
        return float(WADA_SNR_DB[0])
    index = int(below[-1])
    if index == len(WADA_G) - 1:
        return float(WADA_SNR_DB[-1])
    fraction = (statistic - WADA_G[index]) / (WADA_G[index + 1] - WADA_G[index])
    return float(WADA_SNR_DB[index] + fraction * (WADA_SNR_DB[index + 1] - WADA_SNR_DB[index]))


def vad_snr(
    audio: np.ndarray,
    sample_rate: int,
    speech: Sequence[Region],
    *,
    frame_seconds: float = 0.02,
    guard_seconds: float = 0.1,
    min_noise_seconds: float = 0.2,
) -> float | None:
    """Speech-to-noise ratio in dB from a speech mask (e.g. VAD regions).

    Noise power is the mean power of frames at least ``guard_seconds`` away from any speech region;
    speech power is the mean power of speech frames minus that noise power (speech frames hold
    speech plus noise). Returns +inf when the pauses are digitally silent, and None when there is
    no speech or less than ``min_noise_seconds`` of noise to measure.
    """
    power = 10.0 ** (frame_power_db(audio, sample_rate, frame_seconds) / 10.0)
    frames = power.size
    speech_frames = frame_mask(speech, frames, frame_seconds, min_overlap=0.5)
    guarded = [
        Region(max(0.0, region.start - guard_seconds), region.end + guard_seconds) for region in speech
    ]
    noise_frames = ~frame_mask(guarded, frames, frame_seconds, min_overlap=1e-6)
    noise_seconds = noise_frames.sum() * frame_seconds
    if not speech_frames.any() or not noise_frames.any() or noise_seconds < min_noise_seconds:
        return None
    noise_power = float(power[noise_frames].mean())
    speech_power = float(power[speech_frames].mean()) - noise_power
    if noise_power == 0.0:
        return math.inf
    if speech_power <= 0.0:
        return -math.inf
    return 10.0 * math.log10(speech_power / noise_power)
