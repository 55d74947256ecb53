"""Whole training runs on a tiny CSM: plain-peft adapters, exact resume, the codec cache, and every way
a run can go wrong stopping with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
import yaml
from peft import PeftModel
from safetensors.torch import load_file
from transformers import CsmForConditionalGeneration

from support.tiny_csm import fsdd_corpus, write_config
from voxtune.corpus import Corpus
from voxtune.corpus.manifest import read_jsonl, write_cuts
from voxtune.errors import ConfigError
from voxtune.models import mimi
from voxtune.models.registry import get_family
from voxtune.models.source import folder_content_hash
from voxtune.sources.items import cut_from_file
from voxtune.train import run_training
from voxtune.train.checkpoint import CheckpointStore

FAMILY = get_family("csm")


@pytest.fixture(scope="module")
def codes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codes")


@pytest.fixture(scope="module")
def corpus_with_bad_items(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FSDD digits plus an item with no transcript and a 6 s item without word timings."""
    folder = fsdd_corpus(fsdd_dir, tmp_path_factory.mktemp("corpus"))
    cuts = list(Corpus.open(folder).cuts())
    silent = cut_from_file(fsdd_dir / "5_george_9.wav", "no_text", text="", speaker="george", language="en")
    joined = np.concatenate(
        [sf.read(str(fsdd_dir / f"{d}_lucas_9.wav"), dtype="float32")[0] for d in range(10)]
    )
    long_path = folder / "long.wav"
    sf.write(str(long_path), np.tile(joined, 2), 8000)
    long_item = cut_from_file(long_path, "long_untimed", text="zero one two", speaker="lucas", language="en")
    write_cuts([*cuts, silent, long_item], folder / "cuts.jsonl.gz")
    return folder


@pytest.fixture(scope="module")
def two_stage_run(tmp_path_factory, tiny_csm: Path, corpus_with_bad_items: Path, codes_dir: Path):
    folder = tmp_path_factory.mktemp("run")
    config = write_config(
        folder,
        tiny_csm,
        corpus_with_bad_items,
        codec_cache=str(codes_dir),
        family={"max_positions": 48},
        checkpoints={"select": "last"},
        gradient_checkpointing=True,
        stages=[
            {"name": "all", "steps": 8},
            {
                "name": "george",
                "adapter": "george",
                "init_from": "main",
                "steps": 4,
                "filter": {"speakers": ["george"]},
            },
        ],
    )
    return run_training(config), config


def _val_loss_with_plain_peft(run_dir: Path, stage: str, tiny_csm: Path, corpus: Path, codes: Path) -> float:
    """The validation loss of an exported adapter, loaded with peft alone, on the run's held-out items."""
    base = CsmForConditionalGeneration.from_pretrained(tiny_csm)
    model = PeftModel.from_pretrained(base, run_dir / "adapters" / stage).eval()
    loaded = FAMILY.load(tiny_csm)
    held_out = set(json.loads((run_dir / "split.json").read_text(encoding="utf-8"))["validation"])
    cuts = [c for c in Corpus.open(corpus).cuts() if c.id in held_out]
    speakers = FAMILY.speaker_ids(
        FAMILY.settings({}), [c.supervisions[0].speaker for c in Corpus.open(corpus).cuts()]
    )
    encoder = FAMILY.item_encoder(
        loaded, FAMILY.settings({"max_positions": 48}), cache_dir=codes, speakers=speakers
    )
    total = tokens = 0.0
    with torch.no_grad():
        for cut in cuts:
            out = FAMILY.loss(
                model, FAMILY.collate([encoder.encode(cut)]), FAMILY.settings({}), training=False
            )
            total += float(out.total) * out.tokens
            tokens += out.tokens
    return total / tokens


def test_adapters_load_with_plain_peft_and_reproduce_the_run_metrics(
    two_stage_run, tiny_csm: Path, corpus_with_bad_items: Path, codes_dir: Path
) -> None:
    result, _ = two_stage_run
    first = result.stages[0]
    assert [s.stage for s in result.stages] == ["all", "george"]
    assert result.adapters == {"main": first.adapter_dir, "george": result.stages[1].adapter_dir}
    plain = _val_loss_with_plain_peft(result.run_dir, "all", tiny_csm, corpus_with_bad_items, codes_dir)
    assert plain == pytest.approx(first.val["loss"], abs=1e-5)
    base_only = CsmForConditionalGeneration.from_pretrained(tiny_csm)
    adapted = PeftModel.from_pretrained(
        CsmForConditionalGeneration.from_pretrained(tiny_csm), result.run_dir / "adapters" / "all"
    )
    lora_b = [v for k, v in adapted.state_dict().items() if "lora_B" in k]
    assert lora_b and any(v.abs().sum() > 0 for v in lora_b)  # trained, not the zero init
    assert base_only is not None


def test_adapter_metadata_describes_what_was_trained(two_stage_run, tiny_csm: Path) -> None:
    result, _ = two_stage_run
    meta = json.loads(
        (Path(result.stages[1].adapter_dir) / "voxtune_adapter.json").read_text(encoding="utf-8")
    )
    assert meta["family"] == "csm" and meta["adapter"] == "george" and meta["stage"] == "george"
    assert meta["base_model"]["content_hash"] == folder_content_hash(tiny_csm)
    assert meta["languages"] == ["en"] and list(meta["speakers"]) == ["george"]
    assert meta["training"]["init"] == "copy of main" and meta["training"]["steps"] == 4
    assert meta["metrics"]["validation"]["nll"] > 0 and meta["metrics"]["target_entropy"] > 0
    assert meta["method"] == "lora" and "backbone_model" in meta["lora_targets"]
    config = json.loads(
        (Path(result.stages[1].adapter_dir) / "adapter_config.json").read_text(encoding="utf-8")
    )
    assert config["base_model_name_or_path"] == str(tiny_csm)


def test_lora_adapters_hold_no_codec_weights(two_stage_run) -> None:
    result, _ = two_stage_run
    for stage in result.stages:
        keys = load_file(str(Path(stage.adapter_dir) / "adapter_model.safetensors")).keys()
        assert keys and not [k for k in keys if "codec_model" in k]


def test_unusable_items_go_to_the_ledger_with_reasons(two_stage_run) -> None:
    result, _ = two_stage_run
    ledger = {r["id"]: r for r in read_jsonl(result.run_dir / "rejected.jsonl")}
    assert ledger["no_text"]["code"] == "empty_text" and ledger["no_text"]["stage"] == "train:all"
    assert ledger["long_untimed"]["code"] == "too_long"
    assert result.rejected == 2


def test_run_folder_layout_and_summary(two_stage_run) -> None:
    result, _ = two_stage_run
    run = result.run_dir
    for name in ("run.json", "summary.json", "config.yaml", "split.json", "rejected.jsonl"):
        assert (run / name).is_file(), name
    assert list((run / "logs").rglob("events.out.tfevents.*"))
    store = CheckpointStore(run / "checkpoints" / "all", keep_best=1, keep_last=1)
    assert "final" in store.latest_info().kinds and store.latest_info().step == 8
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["adapters"] == result.adapters and "held out" in summary["split"]


def test_a_finished_run_needs_resume_and_the_same_config(two_stage_run) -> None:
    result, config = two_stage_run
    with pytest.raises(ConfigError, match="already holds a run"):
        run_training(config)
    again = run_training(config, resume=True)  # everything done: nothing retrained
    assert [s.steps for s in again.stages] == [s.steps for s in result.stages]
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["stages"][1]["filter"]["speakers"] = ["lucas"]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="differs from the run being resumed"):
        run_training(config, resume=True)


def _final_state(run_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(str(run_dir / "adapters" / "all" / "adapter_model.safetensors"))


def test_resume_continues_the_same_loss_curve(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path
) -> None:
    options = {
        "codec_cache": str(codes_dir),
        "lora": {"dropout": 0.1},
        "family": {"depth_decoder_ratio": 0.5},
        "logging": {"every": 2},
        "stages": [{"name": "all", "steps": 8}],
    }
    straight = run_training(write_config(tmp_path / "a", tiny_csm, fsdd_corpus_dir, **options))
    split_config = write_config(tmp_path / "b", tiny_csm, fsdd_corpus_dir, **options)
    halfway = run_training(split_config, stop_after=4)
    assert halfway.interrupted and halfway.stages[0].steps == 4
    with pytest.raises(ConfigError, match="--resume"):  # an interrupted run is not silently restarted
        run_training(split_config)
    resumed = run_training(split_config, resume=True)
    a, b = straight.stages[0], resumed.stages[0]
    assert b.steps == 8
    assert b.train_loss == pytest.approx(a.train_loss, abs=1e-5)
    assert b.val["loss"] == pytest.approx(a.val["loss"], abs=1e-5)
    assert b.best_val == pytest.approx(a.best_val, abs=1e-5)
    state_a, state_b = _final_state(straight.run_dir), _final_state(resumed.run_dir)
    assert state_a.keys() == state_b.keys()
    assert max(float((state_a[k] - state_b[k]).abs().max()) for k in state_a) < 1e-5


def test_codes_are_encoded_once_across_epochs_and_runs(
    tmp_path: Path, tiny_csm: Path, fsdd_dir: Path, monkeypatch
) -> None:
    corpus = fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["george"])  # 20 items, ~3 batches
    calls = []
    real_encode = mimi.encode

    def counting(*args, **kwargs):
        calls.append(1)
        return real_encode(*args, **kwargs)

    monkeypatch.setattr(mimi, "encode", counting)
    options = {"codec_cache": str(tmp_path / "codes"), "stages": [{"name": "all", "steps": 10}]}
    run_training(write_config(tmp_path / "one", tiny_csm, corpus, **options))
    assert len(calls) == 20  # ten steps of ~3 batches an epoch: several epochs, one encoding each
    run_training(write_config(tmp_path / "two", tiny_csm, corpus, **options))
    assert len(calls) == 20  # a new run reads the cache
