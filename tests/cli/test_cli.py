"""The `voxtune` script as a user runs it: clear one-line errors, summaries, version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from voxtune import __version__


def voxtune(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from voxtune.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_version() -> None:
    result = voxtune("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"voxtune {__version__}"


def test_config_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("stages:\n  - stage: ingest\n    pth: raw\n", encoding="utf-8")
    result = voxtune("prepare", str(recipe))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: r.yaml: stages[1] (ingest): ")
    assert "unknown field 'pth' (did you mean 'path'?)" in lines[0]
    assert str(recipe) in lines[0]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = voxtune("--debug", "prepare", str(tmp_path / "missing.yaml"))
    assert result.returncode == 1 and "Traceback" in result.stderr and "ConfigError" in result.stderr


def test_prepare_then_corpus_info(tmp_path: Path, audio_folder: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"stages:\n  - stage: ingest\n    path: {audio_folder}\n    speaker: '{{folder}}'\n", encoding="utf-8"
    )
    prepared = voxtune("prepare", str(recipe), "--out", str(tmp_path / "corpus"))
    assert prepared.returncode == 0, prepared.stderr
    assert "01 ingest" in prepared.stdout and "12 items" in prepared.stdout
    info = voxtune("corpus", "info", str(tmp_path / "corpus"))
    assert info.returncode == 0, info.stderr
    assert "speaker: anna" in info.stdout and "item durations" in info.stdout


def test_corpus_info_on_a_folder_that_is_not_a_corpus(tmp_path: Path) -> None:
    result = voxtune("corpus", "info", str(tmp_path))
    assert result.returncode == 1
    assert "no cuts.jsonl.gz in this folder" in result.stderr and "voxtune prepare" in result.stderr


def test_stages_lists_the_builtin_stages() -> None:
    result = voxtune("stages")
    assert result.returncode == 0 and "ingest" in result.stdout and "path (required)" in result.stdout
