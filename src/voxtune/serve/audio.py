"""Audio in and out of the server: encoding generated audio in the formats OpenAI's speech endpoint
offers, changing its speed, and decoding uploads within size and duration limits.

Encoding goes through libsndfile (soundfile): WAV, FLAC, MP3 (LAME) and Ogg Opus, in memory. Uploads
are decoded by ``voxtune.audio.io`` (soundfile, or the bundled ffmpeg for m4a/webm/...), after the
header's duration has been checked, so an hour-long upload is refused before it is decoded.
"""

from __future__ import annotations

import io
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf

from voxtune.audio.convert import apply_channel_policy, resample
from voxtune.audio.io import AudioReadError, audio_info, read_audio
from voxtune.serve.errors import ApiError

SpeechFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
MEDIA_TYPES: dict[str, str] = {
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "pcm": "audio/pcm",
}
"""Formats the server writes (OpenAI's ``aac`` is not among them: libsndfile has no AAC encoder)."""
STREAMABLE = ("pcm", "wav")
"""Formats sent piece by piece as the model generates (the others need the whole audio)."""
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


def pcm16(audio: np.ndarray) -> bytes:
    """Little-endian signed 16-bit samples of mono float audio (clipped to [-1, 1])."""
    clipped = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    return (np.round(clipped * 32767.0)).astype("<i2").tobytes()


def encode_audio(audio: np.ndarray, sample_rate: int, fmt: str) -> bytes:
    """Mono float audio as a complete file (or raw PCM) in ``fmt``."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    if fmt == "pcm":
        return pcm16(audio)
    if fmt == "wav":
        return wav_header(sample_rate, len(audio)) + pcm16(audio)
    buffer = io.BytesIO()
    clipped = np.clip(audio, -1.0, 1.0)
    if fmt == "flac":
        sf.write(buffer, clipped, sample_rate, format="FLAC", subtype="PCM_16")
    elif fmt == "mp3":
        rate = _nearest_rate(sample_rate, MP3_RATES)
        sf.write(buffer, resample(clipped, sample_rate, rate), rate, format="MP3", subtype="MPEG_LAYER_III")
    elif fmt == "opus":
        rate = _nearest_rate(sample_rate, OPUS_RATES)
        sf.write(buffer, resample(clipped, sample_rate, rate), rate, format="OGG", subtype="OPUS")
    else:
        raise ValueError(f"cannot encode {fmt!r}; formats: {', '.join(MEDIA_TYPES)}")
    return buffer.getvalue()


def _nearest_rate(rate: int, allowed: tuple[int, ...]) -> int:
    """``rate`` if the codec takes it, else the smallest allowed rate above it (or the highest)."""
    if rate in allowed:
        return rate
    return next((r for r in allowed if r > rate), allowed[-1])


def wav_header(sample_rate: int, samples: int | None) -> bytes:
    """A 44-byte header of mono 16-bit PCM WAV. ``samples=None`` is the streaming form: sizes set to
    0xFFFFFFFF ("until the end of the stream"), which browsers and ffmpeg play."""
    data = 0xFFFFFFFF if samples is None else 2 * samples
    riff = 0xFFFFFFFF if samples is None else 36 + data
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        riff,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        sample_rate,
        sample_rate * 2,
        2,
        16,
        b"data",
        data,
    )


def change_speed(audio: np.ndarray, speed: float) -> np.ndarray:
    """Play ``audio`` ``speed`` times faster without changing its pitch (phase-vocoder time stretch)."""
    if speed == 1.0 or audio.size == 0:
        return audio
    import librosa

    return librosa.effects.time_stretch(np.asarray(audio, dtype=np.float32), rate=speed).astype(np.float32)


@dataclass(frozen=True)
class Upload:
    audio: np.ndarray
    """Mono float32 samples."""
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.sample_rate


def decode_upload(data: bytes, filename: str, *, max_seconds: float) -> Upload:
    """Decode an uploaded audio file to mono; ApiError 400 for what is not audio, 413 for too long."""
    if not data:
        raise ApiError(400, "empty_file", "the uploaded file is empty", param="file")
    suffix = Path(filename or "upload").suffix.lower()
    suffix = suffix if suffix.isascii() and 1 < len(suffix) <= 6 and suffix[1:].isalnum() else ".bin"
    with tempfile.TemporaryDirectory(prefix="voxtune-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            info = audio_info(path)
            if info.duration > max_seconds:
                raise ApiError(
                    413,
                    "audio_too_long",
                    f"the audio is {info.duration:.1f} s long; at most {max_seconds:g} s are accepted",
                    param="file",
                )
            audio, rate = read_audio(path, duration=max_seconds + 1.0)
        except AudioReadError as exc:
            reason = exc.reason.replace(str(path), "the upload").replace(folder, "")
            raise ApiError(
                400, exc.code, f"cannot decode the uploaded audio: {reason}", param="file"
            ) from None
    mono = apply_channel_policy(audio, "mix")[0]
    if mono.size == 0:
        raise ApiError(400, "empty_audio", "the uploaded audio holds no samples", param="file")
    if len(mono) / rate > max_seconds:
        raise ApiError(
            413, "audio_too_long", f"the audio is longer than the {max_seconds:g} s accepted", param="file"
        )
    return Upload(np.ascontiguousarray(mono, dtype=np.float32), int(rate))
