"""A tiny random audio language-ID model for the demo's evaluation (no hub access is needed to run it).

It has the structure of a real one (a wav2vec2 sequence classifier with language labels, saved with
``save_pretrained`` and loaded by path through the same code as ``facebook/mms-lid-126``), so the demo's
confusion matrix exercises the real plumbing; its guesses are random.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from voxtune.corpus.manifest import read_json, write_json

MARKER = "voxtune_demo.json"


def build_demo_language_id(folder: Path, languages: Sequence[str], *, seed: int = 0) -> Path:
    """Write the model into ``folder`` unless the same labels and seed already did."""
    from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier

    labels = sorted(languages)
    marker = folder / MARKER
    wanted = {"seed": seed, "labels": labels}
    if marker.is_file() and read_json(marker) == wanted:
        return folder
    build_tiny_audio_classifier(folder, labels, seed=seed)
    write_json(wanted, marker)
    return folder
