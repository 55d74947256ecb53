"""Mono float samples at a model's rate: the one signal step every backend needs before its model.

Private to ``voxtune.asr`` until the shared audio modules (``voxtune.audio``) land.
"""

from __future__ import annotations

import numpy as np
import soxr


def mono_at_rate(audio: np.ndarray, sample_rate: int, target_rate: int) -> np.ndarray:
    """``audio`` (``(samples,)`` or ``(channels, samples)``, float or int PCM) as mono float32.

    The result is at ``target_rate`` (resampled with soxr when the rates differ).
    """
    samples = np.asarray(audio)
    if np.issubdtype(samples.dtype, np.integer):
        samples = samples / float(np.iinfo(samples.dtype).max)
    samples = samples.astype(np.float32, copy=False)
    if samples.ndim == 2:
        samples = samples.mean(axis=0)
    if samples.ndim != 1:
        raise ValueError(f"audio must be (samples,) or (channels, samples), got shape {samples.shape}")
    if sample_rate != target_rate and samples.size:
        samples = soxr.resample(samples, sample_rate, target_rate, quality="HQ")
        samples = samples.astype(np.float32, copy=False)
    return samples
