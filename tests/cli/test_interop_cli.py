"""`voxtune export` and `voxtune import` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from support.corpora import fsdd_cuts, write_corpus
from voxtune.cli.interop import parse_options


def voxtune(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from voxtune.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
    )


def test_export_then_import_from_the_command_line(tmp_path: Path, fsdd_dir: Path) -> None:
    write_corpus(tmp_path / "corpus", fsdd_cuts(fsdd_dir))
    out = tmp_path / "moshi"
    exported = voxtune(
        "export", str(tmp_path / "corpus"), "-f", "moshi", "-o", str(out), "-O", "model_speaker=george"
    )
    assert exported.returncode == 0, exported.stderr
    # george's items are the model's; jackson's alone would teach the model nothing
    assert "export: moshi" in exported.stdout and "3 items in 3 files  ·  3 left out" in exported.stdout
    assert "no_model_speaker" in exported.stdout
    assert json.loads((out / "voxtune_export.json").read_text())["options"]["model_speaker"] == ["george"]

    again = voxtune("export", str(tmp_path / "corpus"), "-f", "moshi", "-o", str(out), "-O", "mode=stt")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert [line for line in again.stderr.splitlines() if line.strip()] == [
        f"error: the export output folder is not empty ({out}). Choose a new or empty folder for --out "
        "(an export never overwrites files)"
    ]

    imported = voxtune("import", str(out), "--format", "moshi", "--out", str(tmp_path / "back"))
    assert imported.returncode == 0, imported.stderr
    assert "01 ingest" in imported.stdout and "3 items" in imported.stdout


def test_bad_format_names_are_one_line_errors(tmp_path: Path) -> None:
    result = voxtune("import", str(tmp_path), "--format", "ljspech", "--out", str(tmp_path / "c"))
    assert result.returncode == 1
    assert "unknown import format 'ljspech' (did you mean 'ljspeech'?)" in result.stderr
    assert not (tmp_path / "c").exists()


def test_option_values_are_read_as_yaml() -> None:
    assert parse_options(["mode=stt", "model_speaker=[a, b]", "turn_gap=0.5", "shar=false", "name="]) == {
        "mode": "stt",
        "model_speaker": ["a", "b"],
        "turn_gap": 0.5,
        "shar": False,
        "name": "",
    }
