"""`voxtune merge` and `voxtune evaluate pause` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from support.tiny_csm import write_config
from voxtune.train import run_training


def voxtune(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from voxtune.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
    )


@pytest.mark.slow
def test_merge_then_probe_from_the_command_line(
    tmp_path: Path, tiny_stt: Path, dictation_dir: Path, kyutai_codes: Path
):
    config = write_config(
        tmp_path,
        tiny_stt,
        dictation_dir,
        codec_cache=str(kyutai_codes),
        eval={"every": 0},
        checkpoints={"every": 0, "keep_best": 1, "keep_last": 1},
        stages=[{"name": "digits", "steps": 2}],
    )
    adapter = run_training(config).stages[0].adapter_dir
    merged = voxtune(
        "merge", adapter, "--out", str(tmp_path / "merged"), "-f", "transformers", "-f", "kyutai"
    )
    assert merged.returncode == 0, merged.stderr
    assert "merged kyutai_stt (peft) in bfloat16" in merged.stdout
    report = json.loads((tmp_path / "merged" / "merge.json").read_text())
    assert set(report["outputs"]) == {"transformers", "kyutai"}
    assert (tmp_path / "merged" / "kyutai" / "moshi-server.toml").is_file()

    probe = voxtune(
        "evaluate",
        "pause",
        "--base",
        str(tiny_stt),
        "--adapter",
        adapter,
        "--corpus",
        str(dictation_dir),
        "--split",
        "validation",
        "--max-items",
        "2",
        "--out",
        str(tmp_path / "probe"),
    )
    assert probe.returncode == 0, probe.stderr
    assert "2 utterances (2 with digit runs)" in probe.stdout
    assert (tmp_path / "probe" / "pause.png").is_file() and (tmp_path / "probe" / "summary.csv").is_file()


def test_a_moshi_finetune_adapter_without_a_base_is_a_one_line_error(tmp_path: Path):
    (tmp_path / "lora.safetensors").write_bytes(b"")
    result = voxtune("merge", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: a moshi-finetune adapter does not name its base: pass --base. The checkpoint it was "
        "trained on (kyutai's model.safetensors) or a transformers model"
    ]
