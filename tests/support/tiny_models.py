"""Tiny random models built once per test process (Whisper, an emotion classifier), saved to temp dirs."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path


def _scratch(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def tiny_whisper_dir() -> Path:
    """A tiny random Whisper folder, loadable with from_pretrained like a hub checkpoint."""
    from voxtune.asr.tiny import build_tiny_whisper

    return build_tiny_whisper(_scratch("voxtune-tiny-whisper-") / "model")


@functools.cache
def tiny_emotion_dir() -> Path:
    """A tiny random audio-classification model (labels neu, hap, ang, sad) with its feature extractor."""
    from voxtune.emotion.tiny import build_tiny_emotion_classifier

    return build_tiny_emotion_classifier(_scratch("voxtune-tiny-emotion-") / "model")
