"""Data-parallel training: two processes (torchrun, gloo on the CPU) train one adapter together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import voxtune
from support.tiny_csm import fsdd_corpus, write_config
from voxtune.corpus.manifest import read_json

SRC = Path(voxtune.__file__).resolve().parents[1]


@pytest.mark.slow
def test_two_processes_train_one_adapter_and_report_once(
    tmp_path: Path, tiny_csm: Path, fsdd_dir: Path
) -> None:
    corpus = fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["george", "jackson"], indices=range(1))
    config = write_config(
        tmp_path,
        tiny_csm,
        corpus,
        device="cpu",
        batching={"grad_accum": 2},
        stages=[{"name": "ddp", "steps": 4}],
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node",
            "2",
            "-m",
            "voxtune",
            "train",
            str(config),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("train: ") == 1  # only the main process reports
    run = tmp_path / "runs" / "tiny"
    assert (run / "adapters" / "ddp" / "adapter_model.safetensors").is_file()
    stage = read_json(run / "summary.json")["stages"][0]
    assert stage["steps"] == 4 and stage["val"]["loss"] > 0
