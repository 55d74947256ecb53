"""Mono float samples at a model's rate: the one signal step every backend takes before its model."""

from __future__ import annotations

import numpy as np

from voxtune.audio.convert import apply_channel_policy, resample


def mono_at_rate(audio: np.ndarray, sample_rate: int, target_rate: int) -> np.ndarray:
    """``audio`` (``(samples,)`` or ``(channels, samples)``, float or integer PCM) as mono float32
    at ``target_rate``: channels averaged, resampled with soxr when the rates differ."""
    return resample(apply_channel_policy(audio, "mix")[0], sample_rate, target_rate)
