"""Level statistics for quality checks: clipping, DC offset, RMS and peak dBFS, silence ratio.

Full scale is 1.0 for float samples; integer arrays are measured against their own type's range, so
an int16 buffer and the same audio as float give the same answers.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from voxtune.audio.convert import as_channels_first, to_float32


def clipping_ratio(
    audio: np.ndarray,
    *,
    reference: Literal["peak", "full_scale"] = "peak",
    tolerance: float = 1e-4,
    min_run: int = 3,
    min_level: float = 0.1,
) -> float:
    """Fraction of samples that sit in flat-topped runs at the signal's extremes.

    Clipping shows as ``min_run`` or more consecutive samples stuck within ``tolerance`` (of full
    scale) of the clipping level. With ``reference="full_scale"`` the levels are +-1 (int16
    full scale is 32767/32768, inside the tolerance). With ``reference="peak"`` (the default) the
    levels are the signal's own maximum and minimum, which also catches audio that was clipped and
    then turned down; polarities whose peak is under ``min_level`` are skipped so that near-silent
    or DC-only signals do not count as clipped.
    """
    audio = as_channels_first(to_float32(audio))
    if audio.size == 0:
        return 0.0
    clipped = 0
    for channel in audio:
        if reference == "full_scale":
            top, bottom = 1.0, -1.0
        elif reference == "peak":
            top, bottom = float(channel.max()), float(channel.min())
            top = top if top >= min_level else math.inf
            bottom = bottom if bottom <= -min_level else -math.inf
        else:
            raise ValueError(f"reference must be 'peak' or 'full_scale', not {reference!r}")
        at_level = (channel >= top - tolerance) | (channel <= bottom + tolerance)
        clipped += _samples_in_long_runs(at_level, min_run)
    return clipped / audio.size


def _samples_in_long_runs(mask: np.ndarray, min_run: int) -> int:
    """Number of True samples that belong to runs of at least ``min_run`` consecutive Trues."""
    if not mask.any():
        return 0
    edges = np.diff(np.concatenate([[0], mask.view(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    lengths = ends - starts
    return int(lengths[lengths >= min_run].sum())


def dc_offset(audio: np.ndarray) -> float:
    """Mean sample value (fraction of full scale) of the channel whose mean is furthest from 0."""
    audio = as_channels_first(to_float32(audio))
    if audio.size == 0:
        return 0.0
    means = audio.mean(axis=1, dtype=np.float64)
    return float(means[np.argmax(np.abs(means))])


def rms_dbfs(audio: np.ndarray) -> float:
    """RMS of all channels in dB re full scale (a full-scale sine reads -3.01); -inf if silent."""
    audio = to_float32(audio)
    if audio.size == 0:
        return -math.inf
    flat = audio.ravel()
    power = float(np.dot(flat, flat)) / flat.size
    return 10.0 * math.log10(power) if power > 0 else -math.inf


def peak_dbfs(audio: np.ndarray) -> float:
    """Largest absolute sample in dB re full scale; -inf if silent."""
    audio = to_float32(audio)
    if audio.size == 0:
        return -math.inf
    peak = float(np.max(np.abs(audio)))
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


def frame_power_db(audio: np.ndarray, sample_rate: int, frame_seconds: float = 0.02) -> np.ndarray:
    """Mean power of consecutive non-overlapping frames in dB re full scale, channels averaged.

    A final partial frame is dropped; a signal shorter than one frame gives one frame of all of it.
    Digital silence reads -inf.
    """
    audio = as_channels_first(to_float32(audio))
    if audio.shape[1] == 0:
        return np.empty(0)
    frame = max(1, round(frame_seconds * sample_rate))
    count = audio.shape[1] // frame
    if count == 0:
        frames = audio[:, None, :]
    else:
        frames = audio[:, : count * frame].reshape(audio.shape[0], count, frame)
    power = np.einsum("cfn,cfn->f", frames, frames, dtype=np.float64) / (frames.shape[0] * frames.shape[2])
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(power)


def silence_ratio(
    audio: np.ndarray,
    sample_rate: int,
    *,
    frame_seconds: float = 0.02,
    relative_db: float | None = -40.0,
    absolute_dbfs: float | None = -60.0,
) -> float:
    """Fraction of frames that are silent.

    A frame is silent when its power is more than ``-relative_db`` dB under the loudest frame, or
    under ``absolute_dbfs``; pass None to switch either rule off.
    """
    if relative_db is None and absolute_dbfs is None:
        raise ValueError("give relative_db, absolute_dbfs or both")
    power = frame_power_db(audio, sample_rate, frame_seconds)
    if power.size == 0 or power.max() == -math.inf:
        return 1.0
    silent = np.zeros(power.shape, dtype=bool)
    if relative_db is not None:
        silent |= power < power.max() + relative_db
    if absolute_dbfs is not None:
        silent |= power < absolute_dbfs
    return float(silent.mean())
