"""The demo's tiny CSM: random weights, a tokenizer learnt from the demo text, a codec fitted to the
demo audio; saved like a hub model so training loads it by path with the code that loads sesame/csm-1b."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from voxtune.corpus import Corpus
from voxtune.corpus.manifest import read_json, write_json
from voxtune.errors import ItemError
from voxtune.models import mimi
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.registry import get_family
from voxtune.text.languages import UnsupportedLanguageError, with_language_prefix

MARKER = "voxtune_demo.json"
CODEC_CLIPS = 40
"""Demo clips the tiny codec's codebooks are fitted on."""


def demo_texts(corpus_dir: Path) -> list[str]:
    """Every transcript, plain and with its ``<lang:xx>`` tag, for the tiny tokenizer to learn from."""
    texts: list[str] = []
    for cut in Corpus.open(corpus_dir).cuts():
        for sup in cut.supervisions:
            if not (sup.text and sup.text.strip()):
                continue
            texts.append(sup.text)
            if sup.language:
                with contextlib.suppress(UnsupportedLanguageError):
                    texts.append(with_language_prefix(sup.text, sup.language))
    return texts


def demo_clips(corpus_dir: Path, count: int = CODEC_CLIPS) -> list[np.ndarray]:
    """Up to ``count`` usable clips of the corpus, spread over it, at the codec's rate."""
    cuts = [c for c in Corpus.open(corpus_dir).cuts() if c.duration < 20]
    step = max(1, len(cuts) // count)
    clips = []
    for cut in cuts[::step]:
        try:
            clips.append(cut_waveform(cut, mimi.SAMPLE_RATE)[0])
        except ItemError:
            continue
    return clips


def build_demo_model(corpus_dir: Path, folder: Path, *, seed: int = 0) -> tuple[Path, bool]:
    """Build the tiny CSM into ``folder`` unless the same seed already built it; return (folder, built)."""
    marker = folder / MARKER
    if marker.is_file() and read_json(marker) == {"seed": seed}:
        return folder, False
    get_family("csm").build_tiny(folder, demo_texts(corpus_dir), audio=demo_clips(corpus_dir), seed=seed)
    write_json({"seed": seed}, marker)
    return folder, True
