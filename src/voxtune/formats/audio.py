"""Audio as exports need it: a cut's samples at the target rate and channel layout, written as WAV.

Reading and resampling are the project's own (``voxtune.corpus.audio``, ``voxtune.audio.convert``);
what is here is the exports' rules on top (one voice per mono item, WAV bytes, durations).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
from lhotse.cut import Cut, MultiCut

from voxtune.audio.convert import resample
from voxtune.corpus.audio import load_cut_audio
from voxtune.errors import ItemError


def cut_audio(cut: Cut) -> np.ndarray:
    """The cut's samples as float32 ``(channels, samples)`` at ``cut.sampling_rate``.

    Unreadable, empty or non-finite audio is an ItemError, so one bad file never stops an export.
    """
    audio, _ = load_cut_audio(cut)
    if audio.shape[1] == 0:
        raise ItemError("empty_audio", "the cut holds no audio samples")
    return audio


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
