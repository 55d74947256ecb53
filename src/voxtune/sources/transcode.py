"""Decode formats libsndfile cannot read (m4a/aac, webm, mp4, wma, ...) with the ffmpeg binary that
ships in the ``imageio-ffmpeg`` wheel (never a system install), writing FLAC with channels and rate kept."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

from voxtune.corpus.manifest import atomic_output
from voxtune.errors import ItemError

NEEDS_FFMPEG = (".m4a", ".aac", ".mp4", ".webm", ".mka", ".mkv", ".wma", ".amr", ".3gp", ".opus", ".caf")
"""Extensions sent through ffmpeg (``.opus`` too: libsndfile reads Ogg-Opus but not every opus file)."""


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def transcode_to_flac(source: Path, target: Path, timeout: float = 3600) -> Path:
    """Decode ``source`` with ffmpeg into a FLAC file at ``target`` (atomically)."""
    with atomic_output(target) as tmp:
        command = [ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-i", str(source), "-vn"]
        command += ["-map", "0:a:0", "-c:a", "flac", "-f", "flac", str(tmp)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ItemError(
                "decode_timeout", f"ffmpeg took over {timeout:.0f} s to decode the file"
            ) from None
        if result.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            message = (result.stderr.strip().splitlines() or ["no audio stream"])[-1]
            raise ItemError(
                "unreadable_audio",
                f"ffmpeg could not decode the audio ({message}); "
                "the file may be corrupt or hold no audio track",
            )
    return target
