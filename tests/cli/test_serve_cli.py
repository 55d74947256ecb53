"""`voxtune adapters list|show` and `voxtune serve` as a user runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from conftest import REPO
from support.kyutai_corpora import tiny_stt  # noqa: F401  (fixture)
from support.serving import ServeModels, serve_models  # noqa: F401  (fixture)
from support.tiny_csm import tiny_csm  # noqa: F401  (fixture)
from voxtune.cli import app
from voxtune.errors import InputError
from voxtune.serve.config import load_serve_config

runner = CliRunner()


def test_adapters_list_and_show(serve_models: ServeModels, tmp_path: Path) -> None:  # noqa: F811
    listed = runner.invoke(
        app, ["adapters", "list", str(serve_models.csm_adapters.parent)], env={"COLUMNS": "200"}
    )
    assert listed.exit_code == 0, listed.output
    for name in ("nb", "sv", "en-digits", "de-digits", "words", "plain"):
        assert f"│ {name} " in listed.output
    assert "adapters: 6" in listed.output and "test_ctc" in listed.output and "kyutai_stt" in listed.output
    shown = runner.invoke(
        app, ["adapters", "show", str(serve_models.csm_adapters / "nb")], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0 and "nb_f (0), nb_m (1)" in shown.output and "safetensors" in shown.output
    by_name = runner.invoke(app, ["adapters", "show", "sv", "--in", str(serve_models.csm_adapters)])
    assert by_name.exit_code == 0 and "sv_f (2)" in by_name.output
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "voxtune_adapter.json").write_text("{", encoding="utf-8")
    problems = runner.invoke(app, ["adapters", "list", str(tmp_path)], env={"COLUMNS": "200"})
    assert problems.exit_code == 0 and "not usable" in problems.output and "not valid JSON" in problems.output
    missing = runner.invoke(app, ["adapters", "show", "nope", "--in", str(serve_models.csm_adapters)])
    assert isinstance(missing.exception, InputError) and "no adapter named 'nope'" in str(missing.exception)


def test_shipped_serving_recipes_validate() -> None:
    for path in [REPO / "recipes" / "serve-nordic.yaml", REPO / "src" / "voxtune" / "demo" / "serve.yaml"]:
        config = load_serve_config(path)
        assert config.models and config.host == "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_voxtune_serve_starts_answers_and_stops_on_ctrl_c(serve_models: ServeModels, tmp_path: Path) -> None:  # noqa: F811
    config = tmp_path / "serve.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "models": [
                    {
                        "name": "tts",
                        "base": str(serve_models.csm),
                        "adapters": [str(serve_models.csm_adapters)],
                        "generation": {"max_seconds": 0.5},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "voxtune", "serve", str(config), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        response = httpx.post(
            f"http://127.0.0.1:{port}/synthesize", json={"text": "one two", "language": "sv"}, timeout=60
        )
        assert response.status_code == 200 and response.headers["x-voxtune-model"] == "tts:sv"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "tts:sv" in output and f"http://127.0.0.1:{port}" in output and "server stopped" in output
    assert "Traceback" not in output
    bad = subprocess.run(
        [sys.executable, "-m", "voxtune", "serve", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1 and "config file not found" in bad.stderr and "Traceback" not in bad.stderr
