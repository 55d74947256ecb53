"""`voxtune prompts`, `voxtune synthesize` and `voxtune record` as a user runs them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

import voxtune
from support.opus import opus_upload
from voxtune.cli import app
from voxtune.synth.espeak import Voice, synthesise
from voxtune.text.languages import SUPPORTED_LANGUAGES

SRC = Path(voxtune.__file__).resolve().parents[1]
COMMAND = [sys.executable, "-c", "from voxtune.cli import main; main()"]
ENV = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(SRC)}


def voxtune_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the voxtune script from this checkout's sources, as a user would."""
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=ENV, timeout=timeout)


def voxtune_here(*args: str) -> str:
    """Run a voxtune command in this process (quicker); return its output with whitespace collapsed."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_prompts_writes_a_digit_script_and_says_what_it_covers(tmp_path: Path) -> None:
    out = tmp_path / "script.jsonl"
    output = voxtune_here("prompts", "digits", "--language", "te", "--count", "50", "--out", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 50 and {row["language"] for row in rows} == {"te"}
    assert output.count("every digit in every position") == 3


def test_unsupported_languages_list_the_supported_ones() -> None:
    unknown = voxtune_cli("prompts", "digits", "--language", "xx")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    message = " ".join(unknown.stderr.split())
    assert message.startswith("error: Unsupported language code 'xx'")
    assert all(code in message for code in SUPPORTED_LANGUAGES)


@pytest.mark.slow
def test_synthesize_makes_a_multi_voice_corpus_that_prepare_and_train_accept(
    tmp_path: Path, fsdd_dir: Path
) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text(
        "Hej, hur mår du?\nMitt ordernummer är 4417093.\nDet är fint väder 🙂\n...\nVi ses i morgon!\n",
        encoding="utf-8",
    )
    made = voxtune_here(
        "synthesize",
        str(lines),
        "-l",
        "sv",
        "--out",
        str(tmp_path / "synthetic"),
        "--speakers",
        "3",
        "--per-line",
        "2",
    )
    assert "6 utterances" in made and "3 voices" in made and "2 refused" in made
    ledger = (tmp_path / "synthetic" / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["id"] for line in ledger) == ["line00003", "line00004"]
    prepared = voxtune_here(
        "prepare", str(tmp_path / "synthetic" / "recipe.yaml"), "--out", str(tmp_path / "corpus")
    )
    assert "6 items" in prepared
    info = voxtune_here("corpus", "info", str(tmp_path / "corpus"))
    assert info.count("speaker: sv_espeak_") == 3

    from support.tiny_csm import build_tiny_csm, write_config

    model = build_tiny_csm(fsdd_dir, tmp_path / "tiny-csm")
    config = write_config(
        tmp_path / "training", model, tmp_path / "corpus", stages=[{"name": "synthetic", "steps": 4}]
    )
    trained = voxtune_here("train", str(config))
    assert "synthetic" in trained
    adapter = tmp_path / "training" / "runs" / "tiny" / "adapters" / "synthetic"
    assert (adapter / "adapter_config.json").is_file() and (adapter / "voxtune_adapter.json").is_file()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_record_serves_the_studio_until_interrupted(tmp_path: Path) -> None:
    script = tmp_path / "prompts.txt"
    script.write_text("Order 4417093 please.\nThank you.\n", encoding="utf-8")
    port = free_port()
    out = tmp_path / "recordings"
    args = ["record", str(script), "-l", "en", "--out", str(out), "--speaker", "anna", "--port", str(port)]
    server = subprocess.Popen(
        [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                state = httpx.get(f"{base}/api/session", timeout=2).json()
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the studio did not start within 30 s"
                time.sleep(0.2)
        assert [p["spoken"] for p in state["prompts"]] == [
            "Order four four one seven zero nine three please.",
            "Thank you.",
        ]
        said = synthesise("order four four one seven", Voice("en", "m1"))
        take = opus_upload(np.asarray(said.audio), said.sample_rate, tmp_path)
        saved = httpx.put(f"{base}/api/takes/line00001", content=take, timeout=30)
        assert saved.status_code == 200 and saved.json()["saved"]
    finally:
        server.send_signal(signal.SIGINT)
        stdout, stderr = server.communicate(timeout=20)
    assert server.returncode == 0, stderr
    assert "1 of 2 prompts" in " ".join(stdout.split())
    assert (out / "audio" / "anna" / state["session"] / "line00001.wav").is_file()
    assert (out / "recipe.yaml").is_file()
