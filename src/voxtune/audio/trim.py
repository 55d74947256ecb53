"""Trim leading and trailing silence, by frame energy or by speech regions (VAD)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from voxtune.audio.convert import as_channels_first
from voxtune.audio.levels import frame_power_db
from voxtune.audio.regions import Region
from voxtune.errors import ItemError


class NoSpeechError(ItemError):
    """Nothing but silence to keep (code ``no_speech``)."""


def energy_speech_span(
    audio: np.ndarray,
    sample_rate: int,
    *,
    relative_db: float = -40.0,
    absolute_dbfs: float = -60.0,
    frame_seconds: float = 0.01,
) -> Region | None:
    """From the first to the last frame that is neither ``-relative_db`` dB under the loudest frame
    nor under ``absolute_dbfs``; None if every frame is silent."""
    power = frame_power_db(audio, sample_rate, frame_seconds)
    if power.size == 0:
        return None
    loud = np.flatnonzero((power >= power.max() + relative_db) & (power >= absolute_dbfs))
    if loud.size == 0:
        return None
    duration = as_channels_first(audio).shape[1] / sample_rate
    return Region(loud[0] * frame_seconds, min((loud[-1] + 1) * frame_seconds, duration))


def trim_silence(
    audio: np.ndarray,
    sample_rate: int,
    *,
    speech: Sequence[Region] | None = None,
    margin_seconds: float = 0.1,
    relative_db: float = -40.0,
    absolute_dbfs: float = -60.0,
) -> tuple[np.ndarray, Region]:
    """Cut the silence before the first and after the last speech, keeping ``margin_seconds``.

    With ``speech`` (e.g. VAD regions) the span runs from the first region's start to the last
    one's end; without, it comes from frame energy (see :func:`energy_speech_span`). Returns the
    trimmed (channels, samples) audio and the kept span in seconds of the input. Raises
    :class:`NoSpeechError` when there is nothing to keep.
    """
    audio = as_channels_first(audio)
    duration = audio.shape[1] / sample_rate
    if speech is not None:
        span = Region(min(r.start for r in speech), max(r.end for r in speech)) if speech else None
    else:
        span = energy_speech_span(audio, sample_rate, relative_db=relative_db, absolute_dbfs=absolute_dbfs)
    if span is None or span.end <= 0 or span.start >= duration:
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        raise NoSpeechError(
            "no_speech",
            f"no speech found in {duration:.2f} s of audio (peak {peak:.2g} of full scale)",
            duration=round(duration, 3),
            peak=peak,
        )
    first = max(0, int((span.start - margin_seconds) * sample_rate))
    last = min(audio.shape[1], int(np.ceil((span.end + margin_seconds) * sample_rate)))
    return audio[:, first:last], Region(first / sample_rate, last / sample_rate)
