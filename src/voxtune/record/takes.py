"""Turning one browser recording (WebM/Ogg Opus from MediaRecorder) into a checked 24 kHz mono WAV.

ffmpeg (the binary in the imageio-ffmpeg wheel) decodes the upload at Opus's native 48 kHz, soxr
resamples, and a take with no sound in it (a muted or unplugged microphone, a tap of the key) is
refused with a reason instead of being saved.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voxtune.audio.convert import resample
from voxtune.audio.io import write_audio
from voxtune.audio.levels import frame_power_db
from voxtune.errors import ItemError
from voxtune.sources.transcode import ffmpeg_exe

DECODE_RATE = 48_000
FRAME_SECONDS = 0.02
MIN_SECONDS = 0.3
MIN_LEVEL_DBFS = -50.0
"""A take whose loudest 20 ms stays below this level holds no speech (room noise is about -60 dBFS)."""


def decode_upload(data: bytes, timeout: float = 60.0) -> np.ndarray:
    """Decode an uploaded recording to mono float32 samples at DECODE_RATE."""
    if not data:
        raise ItemError("empty_recording", "the browser sent no audio data")
    with tempfile.TemporaryDirectory(prefix="voxtune-take-") as folder:
        upload = Path(folder) / "take"
        upload.write_bytes(data)
        command = [ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(upload), "-vn", "-map", "0:a:0"]
        command += ["-ac", "1", "-ar", str(DECODE_RATE), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ItemError(
                "decode_timeout", f"ffmpeg took over {timeout:.0f} s to decode the take"
            ) from None
    if result.returncode != 0:
        message = (result.stderr.decode(errors="replace").strip().splitlines() or ["no audio"])[-1]
        raise ItemError("unreadable_audio", f"ffmpeg could not decode the take ({message})")
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def loudest_frame_dbfs(audio: np.ndarray, rate: int, frame_seconds: float = FRAME_SECONDS) -> float:
    """Power of the loudest frame in dB re full scale (-inf for digital silence)."""
    power = frame_power_db(audio, rate, frame_seconds)
    return float(power.max()) if power.size else float("-inf")


def check_not_empty(
    audio: np.ndarray, rate: int, min_seconds: float = MIN_SECONDS, min_level_dbfs: float = MIN_LEVEL_DBFS
) -> float:
    """Return the take's loudest-frame level; raise ItemError ``empty_recording`` when it holds no speech."""
    seconds = len(audio) / rate
    if seconds < min_seconds:
        raise ItemError(
            "empty_recording",
            f"the take lasts {seconds:.2f} s, under {min_seconds:.2f} s: hold the key a little longer",
            seconds=round(seconds, 3),
        )
    level = loudest_frame_dbfs(audio, rate)
    if level < min_level_dbfs:
        shown = "digital silence" if level == float("-inf") else f"{level:.1f} dBFS"
        raise ItemError(
            "empty_recording",
            f"the take is silent (loudest moment {shown}, below {min_level_dbfs:.0f} dBFS): "
            "check that the right microphone is selected and not muted",
            level_dbfs=None if level == float("-inf") else round(level, 1),
        )
    return level


def store_take(
    data: bytes,
    target: Path,
    *,
    sample_rate: int = 24_000,
    min_seconds: float = MIN_SECONDS,
    min_level_dbfs: float = MIN_LEVEL_DBFS,
) -> tuple[float, float]:
    """Decode, check and write one take as mono 16-bit WAV at ``sample_rate`` (atomically).

    Returns (seconds, loudest-frame dBFS); raises ItemError and writes nothing for an empty take.
    """
    audio = decode_upload(data)
    level = check_not_empty(audio, DECODE_RATE, min_seconds, min_level_dbfs)
    audio = resample(audio, DECODE_RATE, sample_rate)
    write_audio(target, audio, sample_rate, subtype="PCM_16")
    return len(audio) / sample_rate, level
