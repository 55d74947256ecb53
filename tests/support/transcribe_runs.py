"""Shared pieces of the transcribe-stage tests: FSDD clip folders and one-call recipe runs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from lhotse import SupervisionSegment

from voxtune.corpus import Corpus
from voxtune.prepare import PrepareResult, parse_recipe, run_recipe

CLIPS = ("3_jackson_0.wav", "5_george_3.wav", "7_lucas_10.wav", "0_nicolas_4.wav")
QUIET_GUARDS = {
    "max_repeats": None,
    "max_compression_ratio": None,
    "max_characters_per_second": None,
    "max_silent_word_share": None,
}
"""Guards off: a random model's text loops, runs long and sits anywhere in time."""
WHISPER = {"stage": "transcribe", "max_new_tokens": 6, "batch_size": 3}


def make_clips_folder(tmp_path: Path, fsdd_dir: Path) -> Path:
    """A few FSDD digits and one second of silence."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in CLIPS:
        shutil.copy(fsdd_dir / name, folder / name)
    sf.write(folder / "silence.wav", np.zeros(8000, dtype=np.float32), 8000)
    return folder


def run(
    tmp_path: Path, source: Path, *stages: dict[str, Any], chunk_size: int = 4, **ingest: Any
) -> tuple[PrepareResult, Corpus]:
    recipe = parse_recipe(
        {
            "chunk_size": chunk_size,
            "report": False,
            "stages": [{"stage": "ingest", "path": str(source), **ingest}, *stages],
        },
        base_dir=tmp_path,
    )
    result = run_recipe(recipe, tmp_path / "corpus")
    return result, Corpus.open(tmp_path / "corpus")


def word_times_inside(supervision: SupervisionSegment) -> None:
    """Word timings in order and inside their supervision."""
    words = supervision.alignment["word"]
    assert [w.start for w in words] == sorted(w.start for w in words)
    for word in words:
        assert supervision.start - 1e-6 <= word.start <= word.end <= supervision.end + 1e-6
