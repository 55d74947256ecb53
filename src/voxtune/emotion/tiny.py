"""A tiny random speech-emotion classifier saved like a hub checkpoint, for tests and the demo.

The tiny audio classifier of ``voxtune.models.tiny_audio_classifier`` with IEMOCAP-style labels
(``neu``, ``hap``, ``ang``, ``sad``, as superb's emotion models name them), written with
``save_pretrained`` so it loads through the path a hub id takes. Its predictions are random.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier

TINY_LABELS: tuple[str, ...] = ("neu", "hap", "ang", "sad")


def build_tiny_emotion_classifier(
    folder: str | Path, *, labels: Sequence[str] = TINY_LABELS, seed: int = 0, hidden: int = 32
) -> Path:
    """Write the tiny classifier and its feature extractor into ``folder`` and return it."""
    return build_tiny_audio_classifier(folder, labels, seed=seed, hidden=hidden)
