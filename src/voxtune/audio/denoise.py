"""Spectral-gating noise reduction (noisereduce), optionally taught the noise from the pauses."""

from __future__ import annotations

from collections.abc import Sequence

import noisereduce
import numpy as np

from voxtune.audio.convert import as_channels_first, to_float32
from voxtune.audio.regions import Region, gaps


def noise_sample(
    audio: np.ndarray,
    sample_rate: int,
    speech: Sequence[Region],
    *,
    guard_seconds: float = 0.1,
    min_seconds: float = 0.5,
) -> np.ndarray | None:
    """The pauses between ``speech`` regions (each shrunk by ``guard_seconds`` at both ends),
    joined into one (channels, samples) noise recording; None if under ``min_seconds`` in all."""
    audio = as_channels_first(audio)
    duration = audio.shape[1] / sample_rate
    pieces = []
    for pause in gaps(speech, duration):
        first = round((pause.start + guard_seconds) * sample_rate)
        last = round((pause.end - guard_seconds) * sample_rate)
        if last > first:
            pieces.append(audio[:, first:last])
    total = sum(piece.shape[1] for piece in pieces)
    if total < min_seconds * sample_rate:
        return None
    return np.concatenate(pieces, axis=1)


def denoise(
    audio: np.ndarray,
    sample_rate: int,
    *,
    stationary: bool = True,
    noise: np.ndarray | None = None,
    strength: float = 1.0,
    n_fft: int | None = None,
) -> np.ndarray:
    """Reduce background noise by spectral gating; returns float32 in the input's layout.

    ``stationary=True`` estimates one noise spectrum (from ``noise`` if given, e.g. from
    :func:`noise_sample`, else from the whole signal) and suits hum, hiss and fans;
    ``stationary=False`` tracks a noise floor that changes over time (street, babble), at a higher
    cost. ``strength`` is the fraction of the estimated noise to remove (noisereduce's
    ``prop_decrease``); below 1 leaves some noise but fewer artefacts. ``n_fft`` defaults to about
    43 ms of audio.
    """
    samples = to_float32(audio)
    if n_fft is None:
        n_fft = 1 << max(8, round(np.log2(sample_rate * 0.043)))
    noise_clip = None if noise is None else to_float32(noise)
    if noise_clip is not None and samples.ndim == 1 and noise_clip.ndim == 2:
        noise_clip = noise_clip.mean(axis=0)
    cleaned = noisereduce.reduce_noise(
        y=samples,
        sr=sample_rate,
        stationary=stationary,
        y_noise=noise_clip,
        prop_decrease=strength,
        n_fft=n_fft,
        n_jobs=1,
    )
    return np.asarray(cleaned, dtype=np.float32)
