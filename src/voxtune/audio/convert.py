"""Sample format, channel and sample-rate conversion."""

from __future__ import annotations

from typing import Literal

import numpy as np
import soxr

ChannelPolicy = Literal["mix", "keep", "loudest"] | int
ResampleQuality = Literal["QQ", "LQ", "MQ", "HQ", "VHQ"]


def to_float32(audio: np.ndarray) -> np.ndarray:
    """Samples as float32 in [-1, 1]: integers are divided by their full scale, floats are cast.

    Unsigned 8-bit (WAV's 8-bit format) is centred on 128 first.
    """
    audio = np.asarray(audio)
    if audio.dtype == np.uint8:
        return (audio.astype(np.float32) - 128.0) / 128.0
    if np.issubdtype(audio.dtype, np.integer):
        return audio.astype(np.float32) / float(-np.iinfo(audio.dtype).min)
    if np.issubdtype(audio.dtype, np.floating):
        return audio.astype(np.float32, copy=False)
    raise TypeError(f"cannot convert {audio.dtype} samples to float32")


def as_channels_first(audio: np.ndarray) -> np.ndarray:
    """View a (samples,) mono signal as (1, samples); pass (channels, samples) through."""
    audio = np.asarray(audio)
    if audio.ndim == 1:
        return audio[None, :]
    if audio.ndim != 2:
        raise ValueError(f"audio must be (channels, samples) or (samples,), got shape {audio.shape}")
    return audio


def apply_channel_policy(audio: np.ndarray, policy: ChannelPolicy = "mix") -> np.ndarray:
    """Reduce (channels, samples) audio to the channels a corpus wants.

    ``"mix"``: the mean of all channels, shape (1, samples). ``"keep"``: unchanged. ``"loudest"``:
    the channel with the highest RMS (a two-channel call recording whose far end is silent on one
    side). An ``int``: that channel index (negative counts from the end).
    """
    audio = as_channels_first(audio)
    if policy == "keep":
        return audio
    if policy == "mix":
        if audio.shape[0] == 1:
            return audio
        return audio.mean(axis=0, keepdims=True, dtype=np.float64).astype(audio.dtype)
    if policy == "loudest":
        power = np.einsum("cn,cn->c", audio, audio, dtype=np.float64)
        return audio[int(np.argmax(power))][None, :]
    if isinstance(policy, (int, np.integer)) and not isinstance(policy, bool):
        channels = audio.shape[0]
        if not -channels <= policy < channels:
            raise ValueError(f"channel {policy} does not exist in {channels}-channel audio")
        return audio[policy][None, :]
    raise ValueError(f"unknown channel policy {policy!r}: use 'mix', 'keep', 'loudest' or an index")


def resample(
    audio: np.ndarray, from_rate: int, to_rate: int, *, quality: ResampleQuality = "HQ"
) -> np.ndarray:
    """Resample with soxr; keeps the input's layout ((samples,) or (channels, samples)) as float32.

    ``quality`` is soxr's preset: "HQ" (the default, 20-bit) is transparent for speech; "VHQ" is
    28-bit and slower; "QQ"/"LQ"/"MQ" trade quality for speed.
    """
    audio = to_float32(audio)
    if from_rate == to_rate:
        return audio
    if audio.ndim == 1:
        return soxr.resample(audio, from_rate, to_rate, quality=quality)
    frames_last = soxr.resample(np.ascontiguousarray(audio.T), from_rate, to_rate, quality=quality)
    return np.ascontiguousarray(frames_last.T)
