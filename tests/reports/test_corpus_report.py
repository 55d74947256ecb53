"""report.html: one self-contained file with the corpus composition, rejections and playable samples."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import soundfile as sf

from voxtune.prepare import load_recipe, run_recipe


def test_report_is_written_with_sections_players_and_rejections(tmp_path: Path, audio_folder: Path) -> None:
    (audio_folder / "anna" / "broken.wav").write_bytes(b"not audio at all")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"report_samples: 5\nstages:\n  - stage: ingest\n    path: {audio_folder}\n"
        "    speaker: '{folder}'\n"
        "  - stage: split\n    validation: 0.2\n    test: 0.2\n",
        encoding="utf-8",
    )
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    page = (tmp_path / "corpus" / "report.html").read_text(encoding="utf-8")
    for heading in ("Stages", "What the corpus holds", "Rejected items", "5 random items"):
        assert f"<h2>{heading}</h2>" in page
    assert "unreadable_audio" in page and "anna/broken" in page
    assert "http://" not in page and "https://" not in page  # nothing fetched from outside
    players = re.findall(r"data:audio/wav;base64,([A-Za-z0-9+/=]+)", page)
    assert len(players) == 5
    samples, rate = sf.read(io.BytesIO(base64.b64decode(players[0])))
    assert rate == 16000 and 0.4 < len(samples) / rate < 1.2
    assert page.count("data:image/png;base64,") >= 1
    assert ">anna<" in page and ">train<" in page


def test_corpus_report_command_rewrites_it(tmp_path: Path, audio_folder: Path) -> None:
    import subprocess
    import sys

    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"report: false\nstages:\n  - stage: ingest\n    path: {audio_folder}\n", encoding="utf-8"
    )
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "report.html").exists()
    result = subprocess.run(
        [sys.executable, "-m", "voxtune", "corpus", "report", str(tmp_path / "corpus"), "--samples", "2"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "corpus" / "report.html").is_file()
