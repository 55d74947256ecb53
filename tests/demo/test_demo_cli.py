"""`voxtune demo` end to end, as a newcomer runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from conftest import REPO


@pytest.mark.slow
def test_demo_runs_the_chain_and_prints_its_outputs(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "voxtune", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "voxtune demo" in result.stdout
    for step in ("corpus", "prepare", "export", "train", "kokoro", "stt", "evaluate", "serve"):
        assert f"│ {step}" in result.stdout
    for adapter in ("multilingual", "nordic-nb", "nordic-sv"):  # the server answered once per adapter
        audio, rate = sf.read(str(out / "served" / f"{adapter}.wav"))
        assert rate == 24000 and len(audio) > rate // 2
    assert (out / "served" / "digits-as-words.txt").read_text(encoding="utf-8").startswith("said: ")
    assert "vs target entropy" in result.stdout
    run = out / "runs" / "demo-csm"
    for stage in ("multilingual", "nordic-nb", "nordic-sv"):
        assert (run / "adapters" / stage / "adapter_model.safetensors").is_file()
        assert (run / "adapters" / stage / "voxtune_adapter.json").is_file()
    trained = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    first = trained["stages"][0]
    assert first["val"]["nll"] < 0.9 * first["target_entropy"]  # learnt more than code frequencies
    summary = json.loads((out / "corpus" / "summary.json").read_text(encoding="utf-8"))
    assert summary["stages"][0]["name"] == "ingest"
    ledger = [json.loads(line) for line in (out / "corpus" / "rejected.jsonl").read_text().splitlines()]
    codes = {entry["id"]: entry["code"] for entry in ledger}
    expected = json.loads((out / "raw" / "expected_rejections.json").read_text(encoding="utf-8"))
    assert codes == expected  # every bad item rejected, for the reason it was built with, and nothing else
    metrics = json.loads((out / "eval" / "demo-eval" / "metrics.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in metrics["systems"]] == ["base", "multilingual", "nb", "sv", "reference"]
    assert set(metrics["deltas"]["test"]["all"]["mcd_db"]) == {"multilingual", "nb", "sv"}
    assert set(metrics["deltas"]["regression"]["all"]["wer"]) == {"multilingual", "nb", "sv"}
    assert (
        metrics["confusion"]["labels"] == ["nb", "sv"] and sum(map(sum, metrics["confusion"]["counts"])) == 2
    )
    assert (out / "eval" / "demo-eval" / "report.html").stat().st_size > 100_000
    again = subprocess.run(
        [sys.executable, "-m", "voxtune", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env={"COLUMNS": "250", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")},
        timeout=1200,
    )
    assert again.returncode == 0 and "cached" in again.stdout
