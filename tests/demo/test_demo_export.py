"""The demo's export step: the demo corpus in the formats training reads, redone only when it changed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from datasets import load_from_disk
from rich.console import Console

from voxtune.demo.pipeline import STEPS, DemoContext, export_for_training, prepare_corpus
from voxtune.formats import check_moshi_export


@pytest.mark.slow
def test_export_step_writes_hf_and_moshi_and_reuses_them(tmp_path: Path, demo_raw: Path) -> None:
    names = [name for name, _ in STEPS]
    assert names.index("export") == names.index("prepare") + 1
    (tmp_path / "raw").symlink_to(demo_raw)
    ctx = DemoContext(out=tmp_path, workers=1, seed=0, console=Console(file=io.StringIO(), width=200))
    prepare_corpus(ctx)
    first = export_for_training(ctx)
    assert first.summary.startswith("hf: ") and "moshi: " in first.summary and "cached" not in first.summary
    assert check_moshi_export(tmp_path / "exports" / "moshi", channels=1) == []
    dataset = load_from_disk(str(tmp_path / "exports" / "hf"))
    languages = set(dataset["train"]["language"])
    assert {"te", "ms", "nb", "sv", "da", "lb", "en"} <= languages
    again = export_for_training(ctx)
    assert again.summary.count("(cached)") == 2
