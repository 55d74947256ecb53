"""Shared fixtures: real speech from FSDD and small audio folders built on the fly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]


def _main_checkout(repo: Path) -> Path:
    """The main checkout, also when tests run in a git worktree (whose .git is a file naming it)."""
    dot_git = repo / ".git"
    if dot_git.is_file():
        gitdir = Path(dot_git.read_text(encoding="utf-8").split("gitdir:", 1)[1].strip())
        return gitdir.parents[2]  # <main>/.git/worktrees/<name>
    return repo


FSDD = _main_checkout(REPO).parent / "shared" / "corpora" / "fsdd" / "recordings"


@pytest.fixture(scope="session")
def fsdd_dir() -> Path:
    if not FSDD.is_dir():
        pytest.skip(f"the FSDD recordings are not at {FSDD} (they live in ../shared beside the checkout)")
    return FSDD


def write_tone(
    path: Path, seconds: float = 1.0, rate: int = 16000, freq: float = 220.0, channels: int = 1
) -> Path:
    """A sine tone file, for tests that need valid audio of a known length."""
    t = np.arange(int(seconds * rate)) / rate
    signal = 0.3 * np.sin(2 * np.pi * freq * t).astype(np.float32)
    data = np.stack([signal] * channels, axis=1) if channels > 1 else signal
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, rate)
    return path


@pytest.fixture
def audio_folder(tmp_path: Path) -> Path:
    """Twelve short clips in two speaker folders, plus sidecar transcripts for some."""
    root = tmp_path / "clips"
    for speaker in ("anna", "ben"):
        for index in range(6):
            path = write_tone(
                root / speaker / f"clip{index}.wav", seconds=0.5 + 0.1 * index, freq=200 + 20 * index
            )
            if index % 2 == 0:
                path.with_suffix(".txt").write_text(f"sentence {index} by {speaker}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def demo_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated demo corpus (raw audio + manifest), built once per test session."""
    from voxtune.demo.corpus import build_demo_corpus

    folder = tmp_path_factory.mktemp("demo-raw")
    build_demo_corpus(folder, seed=0)
    return folder
