"""`voxtune train` as a user runs it: a summary table, one-line errors, --resume."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import voxtune
from support.tiny_csm import build_tiny_csm, fsdd_corpus, write_config

SRC = Path(voxtune.__file__).resolve().parents[1]


def voxtune_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "COLUMNS": "220",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(SRC),
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return subprocess.run(
        [sys.executable, "-c", "from voxtune.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.slow
def test_train_prints_a_summary_and_needs_resume_to_continue(tmp_path: Path, fsdd_dir: Path) -> None:
    torch.set_num_threads(1)
    model = build_tiny_csm(fsdd_dir, tmp_path / "model")
    corpus = fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["george", "lucas"], indices=range(1))
    config = write_config(tmp_path, model, corpus, stages=[{"name": "digits", "steps": 2}], eval={"every": 2})
    result = voxtune_cli("train", str(config))
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"train: {tmp_path / 'runs' / 'tiny'}" in result.stdout
    assert "│ digits" in result.stdout and "2/2" in result.stdout
    assert "digits: val nll" in result.stdout and "target entropy" in result.stdout
    again = voxtune_cli("train", str(config))
    assert again.returncode == 1 and "Traceback" not in again.stderr
    lines = [line for line in again.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "already holds a run" in lines[0] and "--resume" in lines[0]
    resumed = voxtune_cli("train", str(config), "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]


def test_a_missing_config_is_a_one_line_error(tmp_path: Path) -> None:
    result = voxtune_cli("train", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1 and result.stderr.strip().startswith("error: config file not found")
