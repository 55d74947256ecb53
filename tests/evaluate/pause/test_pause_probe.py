"""The pause probe end to end on a tiny STT: base vs adapter over digit and ordinary utterances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from support.tiny_csm import write_config
from voxtune.errors import InputError
from voxtune.evaluate.pause import probe_pause
from voxtune.train import run_training


@pytest.fixture(scope="module")
def adapter(tmp_path_factory, tiny_stt: Path, dictation_dir: Path, kyutai_codes: Path) -> Path:
    folder = tmp_path_factory.mktemp("probe-run")
    config = write_config(
        folder,
        tiny_stt,
        dictation_dir,
        codec_cache=str(kyutai_codes),
        lora={"r": 8, "alpha": 16, "dropout": 0.0},
        optimizer={"lr": 5e-3},
        eval={"every": 0},
        checkpoints={"every": 0, "keep_best": 1, "keep_last": 1},
        stages=[{"name": "digits", "steps": 6}],
    )
    return Path(run_training(config).stages[0].adapter_dir)


def test_base_and_adapter_are_probed_on_digit_and_ordinary_utterances(
    tmp_path, tiny_stt, dictation_dir, adapter
):
    torch.manual_seed(0)
    result = probe_pause(
        tiny_stt, dictation_dir, tmp_path, adapter=adapter, max_items=6, head=1, threshold=0.5
    )
    assert result.items == 6 and result.digit_items == 3  # alternating, so both groups show
    assert [(r.model, r.group) for r in result.rows] == [
        ("base", "digits"),
        ("base", "ordinary"),
        ("adapter", "digits"),
        ("adapter", "ordinary"),
    ]
    assert all(r.utterances == 3 for r in result.rows)
    assert result.rows[0].max_in_runs is not None and result.rows[1].max_in_runs is None
    assert set(result.files) == {"table", "summary", "traces", "plot"}
    assert all(path.is_file() for path in result.files.values())
    base = [t for t in result.traces if t.model == "base"]
    adapted = [t for t in result.traces if t.model == "adapter"]
    # the same utterances and steps, but the adapter changed what the heads say
    assert [t.item.id for t in base] == [t.item.id for t in adapted]
    assert all(b.pause.shape == a.pause.shape for b, a in zip(base, adapted, strict=True))
    assert max(float(np.abs(b.pause - a.pause).max()) for b, a in zip(base, adapted, strict=True)) > 1e-3
    # step times count from the utterance's start: 80 ms apart, from 0
    assert base[0].times[0] == 0.0 and base[0].times[1] == pytest.approx(0.08)


def test_a_base_without_pause_heads_or_usable_items_is_refused(tmp_path, tiny_stt, dictation_dir):
    import shutil

    bare = tmp_path / "no-heads"
    shutil.copytree(tiny_stt, bare)
    (bare / "pause_heads.safetensors").unlink()
    with pytest.raises(InputError, match="no pause heads"):
        probe_pause(bare, dictation_dir, tmp_path / "out", max_items=2)
    with pytest.raises(InputError, match="no usable utterance"):
        probe_pause(tiny_stt, dictation_dir, tmp_path / "out", split="no-such-split")
