"""Tiny CSM models, corpora and training configs for model and training tests (built from FSDD speech)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
import soxr
import yaml

from voxtune.corpus.manifest import write_cuts
from voxtune.sources.items import cut_from_file

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SPEAKERS = ["george", "jackson", "lucas", "nicolas"]


def fsdd_corpus(
    fsdd_dir: Path, folder: Path, *, speakers: list[str] = SPEAKERS, indices: range = range(2), **custom: Any
) -> Path:
    """A prepared-corpus folder of FSDD digits: text = the digit's word, one word timing each."""
    cuts = []
    for speaker in speakers:
        for digit, word in enumerate(DIGITS):
            for index in indices:
                path = fsdd_dir / f"{digit}_{speaker}_{index}.wav"
                duration = sf.info(str(path)).duration
                cut = cut_from_file(
                    path,
                    f"{speaker}_{digit}_{index}",
                    text=word,
                    speaker=speaker,
                    language="en",
                    words=[[word, 0.0, round(duration, 3)]],
                    extra=dict(custom) or None,
                )
                cuts.append(cut)
    folder.mkdir(parents=True, exist_ok=True)
    write_cuts(cuts, folder / "cuts.jsonl.gz")
    return folder


def fsdd_clips(fsdd_dir: Path, count: int = 24) -> list[np.ndarray]:
    """FSDD recordings at 24 kHz, for fitting a tiny codec."""
    paths = sorted(fsdd_dir.glob("*.wav"))
    clips = []
    for index in np.linspace(0, len(paths) - 1, count).astype(int):
        path = paths[index]
        audio, rate = sf.read(str(path), dtype="float32")
        clips.append(soxr.resample(audio, rate, 24000).astype(np.float32))
    return clips


def build_tiny_csm(fsdd_dir: Path, folder: Path, **options: Any) -> Path:
    from voxtune.models.csm.tiny import build_tiny_csm as build

    texts = [*DIGITS, *(f"{a} {b}" for a, b in itertools.pairwise(DIGITS))]
    return build(folder, texts, audio=fsdd_clips(fsdd_dir), **options)


def write_config(folder: Path, model_dir: Path, corpus: Path, **overrides: Any) -> Path:
    """A small training YAML (one stage of a few steps) with ``overrides`` merged in."""
    config: dict[str, Any] = {
        "name": "tiny",
        "model": {"base": str(model_dir)},
        "corpus": str(corpus),
        "output": str(folder / "runs"),
        "codec_cache": str(folder / "codes"),
        "cpu_threads": 1,
        "precision": "fp32",
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
        "optimizer": {"lr": 5e-3},
        "batching": {"max_tokens": 400, "max_batch_size": 8},
        "eval": {"every": 4, "validation_fraction": 0.1},
        "checkpoints": {"every": 4, "keep_best": 1, "keep_last": 1},
        "logging": {"every": 2, "samples_at_end": False, "report_to": ["tensorboard"]},
        "stages": [{"name": "all", "steps": 8}],
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "train.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


# -- fixtures (imported by the conftest of tests/models and tests/train) ------------------------------


@pytest.fixture(scope="session")
def tiny_csm(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny CSM folder (weights, tokenizer, processor) built once per session."""
    return build_tiny_csm(fsdd_dir, tmp_path_factory.mktemp("tiny-csm") / "model")


@pytest.fixture(scope="session")
def fsdd_corpus_dir(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 FSDD digit items (4 speakers x 10 digits x 2 takes) as a prepared corpus."""
    return fsdd_corpus(fsdd_dir, tmp_path_factory.mktemp("fsdd-corpus"))
