"""`voxtune evaluate`: the YAML as the default command, subcommands beside it, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import REPO
from support.eval_runs import put_in_split, write_eval_config
from support.fake_stt import DigitsSttFamily
from support.tiny_csm import fsdd_corpus
from voxtune.cli import app
from voxtune.cli.evaluate import evaluate_app

runner = CliRunner()


@pytest.fixture(scope="module")
def stt_config(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-eval")
    model = DigitsSttFamily().build_tiny(folder / "stt", [])
    put_in_split(fsdd_corpus(fsdd_dir, folder / "corpus", speakers=["lucas"], indices=range(1)), "test")
    return write_eval_config(folder, name="cli", model={"base": str(model)}, corpus="corpus", max_items=1)


@pytest.mark.parametrize("words", [[], ["run"]])
def test_the_yaml_runs_with_or_without_the_run_command(stt_config: Path, words: list[str]) -> None:
    result = runner.invoke(app, ["evaluate", *words, str(stt_config)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "evaluate: cli · test set" in result.output
    assert f"report:  {stt_config.parent / 'eval' / 'cli' / 'report.html'}" in result.output


def test_other_modules_add_commands_to_the_group() -> None:
    @evaluate_app.command("probe")
    def probe(value: int = typer.Argument(...)) -> None:
        typer.echo(f"probe got {value}")

    try:
        result = runner.invoke(app, ["evaluate", "probe", "7"])
        assert result.exit_code == 0 and result.output.strip() == "probe got 7"
        listing = runner.invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"})
        assert all(name in listing.output for name in ("run", "codec", "probe"))
    finally:
        evaluate_app.registered_commands.pop()


def test_a_broken_config_is_one_line(tmp_path: Path) -> None:
    config = write_eval_config(tmp_path, name="x", model={"base": "m"}, corpus="c", metricz=["wer"])
    result = subprocess.run(
        [sys.executable, "-c", "from voxtune.cli import main; main()", "evaluate", str(config)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "unknown field 'metricz' (did you mean 'metrics'?)" in result.stderr
