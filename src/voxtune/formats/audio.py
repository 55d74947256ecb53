"""Audio as exports need it: a cut's samples at the target rate and channel layout, written as WAV.

``voxtune.audio`` (being written alongside) will hold the project's general audio I/O; these few
helpers are what exports need and can move there when it lands.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from lhotse.cut import Cut, MultiCut

from voxtune.errors import ItemError


def cut_audio(cut: Cut) -> np.ndarray:
    """The cut's samples as float32 ``(channels, samples)`` at ``cut.sampling_rate``.

    Unreadable or non-finite audio is an ItemError, so one bad file never stops an export.
    """
    try:
        audio = np.asarray(cut.load_audio(), dtype=np.float32)
    except Exception as exc:  # lhotse raises many types for missing, truncated or corrupt files
        raise ItemError("unreadable_audio", f"cannot read the cut's audio ({exc})") from None
    if audio.ndim == 1:
        audio = audio[None, :]
    if audio.shape[1] == 0:
        raise ItemError("empty_audio", "the cut holds no audio samples")
    if not np.isfinite(audio).all():
        bad = int((~np.isfinite(audio)).sum())
        raise ItemError("non_finite", f"the audio holds {bad} NaN or infinite samples", samples=bad)
    return audio


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """``(channels, samples)`` audio from ``rate_in`` to ``rate_out`` with soxr (high quality)."""
    if rate_in == rate_out:
        return audio
    out = soxr.resample(np.ascontiguousarray(audio.T), rate_in, rate_out, quality="HQ")
    return np.asarray(out, dtype=np.float32).reshape(-1, audio.shape[0]).T


def mono_audio(cut: Cut, rate: int) -> np.ndarray:
    """One channel at ``rate``: multi-channel cuts of one speaker are averaged down.

    A multi-channel cut whose supervisions name different speakers is a conversation; averaging would
    mix the voices, so it is rejected (``conversation_audio``) with a pointer to the moshi format.
    """
    if isinstance(cut, MultiCut):
        speakers = {sup.speaker for sup in cut.supervisions if sup.speaker}
        if len(speakers) > 1:
            raise ItemError(
                "conversation_audio",
                f"a {cut.num_channels}-channel conversation of {len(speakers)} speakers cannot become "
                "one mono item; export it with --format moshi or split it per speaker first",
                speakers=sorted(speakers),
            )
    audio = cut_audio(cut)
    return resample(audio, cut.sampling_rate, rate).mean(axis=0)


def encode_wav(audio: np.ndarray, rate: int, subtype: str = "PCM_16") -> bytes:
    """WAV file bytes of ``(samples,)`` or ``(channels, samples)`` audio, clipped to [-1, 1]."""
    buffer = io.BytesIO()
    sf.write(buffer, _frames(audio), rate, format="WAV", subtype=subtype)
    return buffer.getvalue()


def write_wav(path: Path, audio: np.ndarray, rate: int, subtype: str = "PCM_16") -> float:
    """Write ``audio`` as a WAV file (creating folders); return the file's duration in seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), _frames(audio), rate, format="WAV", subtype=subtype)
    return wav_duration(path)


def wav_duration(path: Path) -> float:
    """Duration of an audio file from its header: frames / sample rate."""
    info = sf.info(str(path))
    return info.frames / info.samplerate


def _frames(audio: np.ndarray) -> np.ndarray:
    """soundfile wants ``(frames, channels)``; PCM subtypes wrap around outside [-1, 1], so clip."""
    clipped = np.clip(audio, -1.0, 1.0)
    return clipped.T if clipped.ndim == 2 else clipped
