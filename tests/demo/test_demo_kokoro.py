"""The demo's kokoro step: a tiny Kokoro trained with LoRA by `voxtune train` on the demo's
Luxembourgish items, merged into a folder in Kokoro's layout, spoken by the kokoro package's KModel."""

from __future__ import annotations

import io
import math
import shutil
from pathlib import Path

import pytest
import soundfile as sf
import torch
from rich.console import Console

from support.kokoro import link_tree
from voxtune.corpus.manifest import read_json, write_json
from voxtune.demo.pipeline import STEPS, DemoContext, train_tiny_kokoro


@pytest.mark.slow
def test_kokoro_step_trains_exports_and_kmodel_speaks(
    lb_corpus: Path, tiny_kokoro_dir: Path, tmp_path: Path
) -> None:
    from kokoro import KModel

    from voxtune.models.kokoro.checkpoint import WEIGHTS_FILE, quiet_kokoro

    out = tmp_path / "demo"
    shutil.copytree(lb_corpus, out / "corpus")
    link_tree(tiny_kokoro_dir, out / "tiny-kokoro")  # the step's own tiny model, without rebuilding it
    write_json({"seed": 0}, out / "tiny-kokoro" / "voxtune_demo.json")
    ctx = DemoContext(out=out, workers=1, seed=0, console=Console(file=io.StringIO(), width=200))
    assert ("kokoro", train_tiny_kokoro) in STEPS
    result = train_tiny_kokoro(ctx)
    assert result.step == "kokoro" and "KModel spoke" in result.summary

    run = read_json(result.outputs["kokoro run"] / "summary.json")
    stage = run["stages"][0]
    assert stage["steps"] == 4 and math.isfinite(stage["train_loss"])
    assert {"stft", "mel", "f0", "duration_ce"} <= set(stage["val"]) and all(
        math.isfinite(v) for v in stage["val"].values()
    )
    export = result.outputs["kokoro export"]
    assert sorted(p.name for p in (export / "voices").iterdir()) == ["lb_f.pt", "lb_max.pt"]
    assert (export / "kokoro_symbols.json").is_file()
    with quiet_kokoro():
        trained = KModel(
            repo_id="hexgrad/Kokoro-82M", config=str(export / "config.json"), model=str(export / WEIGHTS_FILE)
        )
        base = KModel(
            repo_id="hexgrad/Kokoro-82M",
            config=str(tiny_kokoro_dir / "config.json"),
            model=str(tiny_kokoro_dir / WEIGHTS_FILE),
        )
    assert not torch.equal(trained.bert_encoder.weight, base.bert_encoder.weight)  # LoRA merged in
    assert torch.equal(
        trained.decoder.generator.conv_post.weight_v, base.decoder.generator.conv_post.weight_v
    )
    assert trained.vocab["ʀ"] == trained.vocab["ʁ"]  # reads Luxembourgish misaki text as trained
    audio, rate = sf.read(str(result.outputs["kokoro sample"]))
    assert rate == 24_000 and len(audio) > 0 and abs(audio).max() > 0
    sample = result.outputs["kokoro sample"]
    written = sample.stat().st_mtime
    again = train_tiny_kokoro(ctx)  # a finished run: nothing retrained, nothing re-exported
    assert again.summary == result.summary and sample.stat().st_mtime == written

    from typer.testing import CliRunner

    from voxtune.cli import app

    adapter = result.outputs["kokoro run"] / "adapters" / "lb"
    merged = tmp_path / "merged"
    cli = CliRunner().invoke(app, ["merge", str(adapter), "--out", str(merged)], env={"COLUMNS": "200"})
    assert cli.exit_code == 0, cli.output
    assert read_json(merged / "merge.json")["family"] == "kokoro"
    folder = merged / "kokoro"
    assert sorted(p.name for p in (folder / "voices").iterdir()) == ["lb_f.pt", "lb_max.pt"]
    with quiet_kokoro():
        via_cli = KModel(
            repo_id="hexgrad/Kokoro-82M", config=str(folder / "config.json"), model=str(folder / WEIGHTS_FILE)
        )
    assert torch.equal(via_cli.bert_encoder.weight, trained.bert_encoder.weight)  # same merge as the step
