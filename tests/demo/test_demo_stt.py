"""The demo's Kyutai STT step: tiny STT trained on the English digit sentences, merged, exported, probed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from safetensors import safe_open

from voxtune.demo.pipeline import STEPS, DemoContext, prepare_corpus, train_tiny_stt


@pytest.mark.slow
def test_stt_step_trains_merges_exports_and_probes(tmp_path: Path, demo_raw: Path) -> None:
    names = [name for name, _ in STEPS]
    assert names.index("prepare") < names.index("stt") < names.index("serve")  # needs the corpus; is served
    (tmp_path / "raw").symlink_to(demo_raw)
    ctx = DemoContext(out=tmp_path, workers=1, seed=0, console=Console(file=io.StringIO(), width=200))
    prepare_corpus(ctx)
    result = train_tiny_stt(ctx)
    below = re.search(
        r"val nll ([\d.]+) vs target entropy ([\d.]+) nats/token \((\d+)% below\)", result.summary
    )
    assert below and int(below.group(3)) >= 15, result.summary
    assert "pause probe on 12 utterances (6 with digit runs)" in result.summary
    kyutai = result.outputs["merged STT"] / "kyutai"
    with safe_open(str(kyutai / "model.safetensors"), framework="pt") as handle:
        keys = set(handle.keys())
    assert {"text_emb.weight", "out_norm.alpha", "extra_heads.0.weight"} <= keys
    assert (kyutai / "moshi-server.toml").is_file()
    assert result.outputs["pause plot"].is_file()
    # a second run reuses the tiny model and the finished training run
    again = train_tiny_stt(ctx)
    assert again.summary == result.summary
