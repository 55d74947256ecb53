"""What a browser's MediaRecorder uploads: audio encoded as Opus in WebM or Ogg (made with ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from voxtune.sources.transcode import ffmpeg_exe


def opus_upload(samples: np.ndarray, rate: int, tmp_path: Path, container: str = "webm") -> bytes:
    """``samples`` encoded as Opus in a ``container`` file, as bytes."""
    source = tmp_path / "opus-source.wav"
    sf.write(str(source), samples, rate)
    target = tmp_path / f"opus-take.{container}"
    command = [ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-i", str(source), "-c:a", "libopus"]
    subprocess.run([*command, str(target)], check=True, timeout=60)
    return target.read_bytes()
