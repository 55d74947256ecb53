"""The demo's Kyutai STT step: a tiny STT trained to write dictated numbers as words, merged, exported in
kyutai's naming, and its pause heads probed base vs adapter.

The tiny model (random weights, a sentencepiece tokenizer learnt from the demo's English text, a codec
fitted to its audio, random pause heads) is saved like a hub model and loaded by path, so every later
part runs the code a real ``kyutai/stt-1b-en_fr-trfs`` run uses.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import numpy as np

from voxtune.corpus import Corpus
from voxtune.corpus.manifest import read_json, write_json
from voxtune.errors import InputError, ItemError
from voxtune.models import mimi
from voxtune.models.codec_cache import cut_waveform

MARKER = "voxtune_demo.json"
LANGUAGE = "en"
PROBE_ITEMS = 12


def english_items(corpus_dir: Path) -> tuple[list[str], list[np.ndarray]]:
    """The spoken-form transcripts and 24 kHz audio of the corpus's English items."""
    texts: list[str] = []
    clips: list[np.ndarray] = []
    for cut in Corpus.open(corpus_dir).cuts():
        sups = [s for s in cut.supervisions if s.text and s.text.strip()]
        if not sups or sups[0].language != LANGUAGE:
            continue
        texts.append(" ".join(s.text for s in sups))
        try:
            clips.append(cut_waveform(cut, mimi.SAMPLE_RATE)[0])
        except ItemError:
            continue
    if not texts or not clips:
        raise InputError("the demo corpus has no usable English items for the STT step", path=corpus_dir)
    return texts, clips


def build_demo_stt(corpus_dir: Path, folder: Path, *, seed: int = 0) -> tuple[Path, bool]:
    """Build the tiny STT into ``folder`` unless the same seed already built it; return (folder, built)."""
    from voxtune.models.kyutai_stt.tiny import build_tiny_stt

    marker = folder / MARKER
    if marker.is_file() and read_json(marker) == {"seed": seed}:
        return folder, False
    texts, clips = english_items(corpus_dir)
    build_tiny_stt(folder, texts, audio=clips, seed=seed)
    write_json({"seed": seed}, marker)
    return folder, True


def train_merge_probe(out: Path, corpus_dir: Path, *, seed: int = 0):
    """Build, train, merge (transformers + kyutai naming) and probe; return what each part produced."""
    import torch

    from voxtune.evaluate.pause import probe_pause
    from voxtune.merge import merge_adapter, write_report
    from voxtune.train import load_train_config, run_training

    model_dir, built = build_demo_stt(corpus_dir, out / "tiny-stt", seed=seed)
    config_path = out / "stt-train.yaml"
    if not config_path.is_file():
        template = resources.files("voxtune.demo").joinpath("stt-train.yaml").read_text(encoding="utf-8")
        config_path.write_text(template, encoding="utf-8")
    config = load_train_config(config_path)
    if built:  # a run on an earlier tiny model cannot be resumed on this one
        shutil.rmtree(Path(config.output) / config.name, ignore_errors=True)
    trained = run_training(config, resume=True)
    stage = trained.stages[-1]
    assert stage.adapter_dir is not None
    merged = merge_adapter(stage.adapter_dir, out / "stt-merged", formats=("transformers", "kyutai"))
    write_report(merged, out / "stt-merged")
    torch.manual_seed(seed)
    probe = probe_pause(
        model_dir,
        corpus_dir,
        out / "pause-probe",
        adapter=stage.adapter_dir,
        split=None,
        max_items=PROBE_ITEMS,
    )
    return model_dir, trained, merged, probe
