"""The audio under a supervision: its time span of the cut, mixed down over its channels.

Stages that run a model per segment (transcribe, emotion) read audio this way, so a conversation
cut with one supervision per speaker channel gives each model only that speaker.
"""

from __future__ import annotations

import numpy as np
from lhotse import SupervisionSegment
from lhotse.cut import Cut

from voxtune.errors import ItemError


def load_cut_audio(cut: Cut) -> np.ndarray:
    """The cut's samples as ``(channels, samples)``, or ItemError ``unreadable_audio``."""
    try:
        audio = cut.load_audio()
    except Exception as error:
        raise ItemError("unreadable_audio", f"cannot read the item's audio: {error}") from None
    return np.atleast_2d(np.asarray(audio, dtype=np.float32))


def supervision_samples(cut: Cut, audio: np.ndarray, supervision: SupervisionSegment) -> np.ndarray:
    """Mono float32 samples of ``supervision`` from ``audio`` (the cut's ``load_cut_audio``).

    The supervision's channels are averaged; a channel the cut lacks falls back to all channels.
    """
    channels = cut.channel if isinstance(cut.channel, list) else [cut.channel]
    wanted = supervision.channel if isinstance(supervision.channel, list) else [supervision.channel]
    rows = [channels.index(channel) for channel in wanted if channel in channels]
    mono = audio[rows].mean(axis=0) if rows else audio.mean(axis=0)
    rate = cut.sampling_rate
    start = max(0, round(supervision.start * rate))
    end = min(mono.size, round(supervision.end * rate))
    return np.asarray(mono[start:end], dtype=np.float32)
