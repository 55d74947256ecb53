"""Training runs that must stop, or change how they train: NaN loss, a full disk, bad inputs, early
stopping, full fine-tuning, bf16 and DoRA."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from safetensors.torch import load_file
from transformers import CsmForConditionalGeneration

from support.tiny_csm import fsdd_corpus, write_config
from voxtune.corpus import Corpus
from voxtune.corpus.manifest import write_cuts
from voxtune.errors import ConfigError, InputError
from voxtune.models.registry import get_family
from voxtune.train import TrainingDivergedError, run_training
from voxtune.train.checkpoint import CheckpointError, CheckpointStore

FAMILY = get_family("csm")


@pytest.fixture(scope="module")
def codes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codes")


def test_nan_loss_stops_with_the_last_good_checkpoint(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path, monkeypatch
) -> None:
    real_loss = type(FAMILY).loss
    calls = []

    def poisoned(self, model, batch, settings, **kwargs):
        out = real_loss(self, model, batch, settings, **kwargs)
        if kwargs.get("training", True):
            calls.append(1)
            if len(calls) == 5:
                out.total = out.total * float("nan")
        return out

    monkeypatch.setattr(type(FAMILY), "loss", poisoned)
    config = write_config(
        tmp_path,
        tiny_csm,
        fsdd_corpus_dir,
        codec_cache=str(codes_dir),
        checkpoints={"every": 2},
        eval={"every": 100},
    )
    with pytest.raises(TrainingDivergedError) as error:
        run_training(config)
    message = str(error.value)
    assert "loss became nan at step 5" in message and "step-0000004" in message
    store = CheckpointStore(tmp_path / "runs" / "tiny" / "checkpoints" / "all", keep_best=1, keep_last=1)
    assert store.latest_info().step == 4
    assert not (tmp_path / "runs" / "tiny" / "adapters").exists()


def test_a_full_disk_while_saving_stops_cleanly(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path, monkeypatch
) -> None:
    from voxtune.train import trainer

    real_write = trainer.write_training_state
    calls = []

    def fills_the_disk(folder: Path, **kwargs):
        calls.append(folder)
        if len(calls) == 2:
            (folder / "trainable.safetensors").write_bytes(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(folder, **kwargs)

    monkeypatch.setattr(trainer, "write_training_state", fills_the_disk)
    config = write_config(
        tmp_path,
        tiny_csm,
        fsdd_corpus_dir,
        codec_cache=str(codes_dir),
        checkpoints={"every": 2},
        eval={"every": 100},
    )
    with pytest.raises(CheckpointError, match="disk is full"):
        run_training(config)
    root = tmp_path / "runs" / "tiny" / "checkpoints" / "all"
    assert sorted(p.name for p in root.iterdir()) == ["checkpoints.json", "step-0000002"]


def test_full_fine_tuning_trains_the_model_but_not_its_codec(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path
) -> None:
    config = write_config(
        tmp_path,
        tiny_csm,
        fsdd_corpus_dir,
        codec_cache=str(codes_dir),
        method="full",
        optimizer={"lr": 1e-3},
        stages=[{"name": "all", "steps": 3}],
    )
    result = run_training(config)
    trained = CsmForConditionalGeneration.from_pretrained(result.stages[0].adapter_dir)
    base = CsmForConditionalGeneration.from_pretrained(tiny_csm)
    trained_state, base_state = trained.state_dict(), base.state_dict()
    codec = [k for k in base_state if k.startswith("codec_model.")]
    assert codec and all(torch.equal(trained_state[k], base_state[k]) for k in codec)
    backbone = [k for k in base_state if k.startswith("backbone_model.layers.")]
    assert any(not torch.equal(trained_state[k], base_state[k]) for k in backbone)
    assert FAMILY.load(result.stages[0].adapter_dir).model is not None  # a full model folder
    again = run_training(config, resume=True)  # a finished stage's full weights load back
    assert again.stages[0].steps == 3


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            {"stages": [{"name": "nobody", "steps": 2, "filter": {"speakers": ["nobody"]}}]},
            InputError,
            r"stage 'nobody' selects no items: its filter \(speakers=\['nobody'\]\)",
        ),
        (
            {"stages": [{"name": "p", "steps": 2, "filter": {"has_particles": True}}]},
            InputError,
            r"reads supervision.custom\['particles'\]",
        ),
        ({"model": {"base": "/nonexistent/tiny-csm"}}, InputError, "model folder not found"),
        ({"precision": "fp16"}, ConfigError, "fp16 needs a CUDA GPU"),
        ({"family": {"depht_decoder_ratio": 0.5}}, ConfigError, "did you mean 'depth_decoder_ratio'"),
    ],
)
def test_bad_inputs_stop_before_training(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, change: dict, error: type, message: str
) -> None:
    config = write_config(tmp_path, tiny_csm, fsdd_corpus_dir, **change)
    with pytest.raises(error, match=message):
        run_training(config)
    assert not (tmp_path / "runs" / "tiny" / "checkpoints").exists()


def test_a_wrong_family_model_and_a_corpus_without_text_are_refused(
    tmp_path: Path, tiny_csm: Path, fsdd_dir: Path
) -> None:
    whisper = tmp_path / "whisper"
    whisper.mkdir()
    (whisper / "config.json").write_text(json.dumps({"model_type": "whisper"}), encoding="utf-8")
    corpus = fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["george"])
    config = write_config(tmp_path, whisper, corpus, model={"base": str(whisper), "family": "csm"})
    with pytest.raises(InputError, match="not a csm model"):
        run_training(config)
    cuts = [c for c in Corpus.open(corpus).cuts()]
    for cut in cuts:
        cut.supervisions[0].text = None
    write_cuts(cuts, corpus / "cuts.jsonl.gz")
    with pytest.raises(InputError, match="no item of the corpus has a transcript"):
        run_training(write_config(tmp_path, tiny_csm, corpus))


def test_early_stopping_samples_and_tensorboard_media(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path
) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    config = write_config(
        tmp_path,
        tiny_csm,
        fsdd_corpus_dir,
        codec_cache=str(codes_dir),
        optimizer={"lr": 1e-12},  # nothing improves by min_delta, so patience runs out
        eval={"every": 1, "patience": 2, "min_delta": 1e-3},
        logging={"every": 1, "samples_every": 2, "sample_count": 1, "samples_at_end": True},
        family={"max_seconds": 0.5},
        stages=[{"name": "all", "steps": 20}],
    )
    result = run_training(config)
    stage = result.stages[0]
    assert stage.stopped_early and stage.steps == 3 and "stopped early at step 3" in stage.notes[0]
    assert stage.selected.startswith("best (step ")
    samples = tmp_path / "runs" / "tiny" / "samples" / "all"
    assert sf.info(str(samples / "step-0000002" / "00.wav")).samplerate == 24000
    assert (samples / "final" / "00.txt").read_text(encoding="utf-8").count("\t") == 3
    events = EventAccumulator(
        str(next((tmp_path / "runs" / "tiny" / "logs").rglob("events.out.*")).parent),
        size_guidance={"audio": 0, "images": 0, "scalars": 0},
    )
    events.Reload()
    tags = events.Tags()
    assert "samples/all/00" in tags["audio"] and "samples/all/00/mel" in tags["images"]
    for scalar in (
        "train/loss",
        "train/lr",
        "train/grad_norm",
        "train/tokens_per_s",
        "train/padding_ratio",
        "train/memory_mb",
        "train/loss_backbone",
        "val/nll",
        "val/target_entropy",
    ):
        assert scalar in tags["scalars"], scalar


def test_bf16_autocast_and_dora_rslora_adapters_train_on_a_cpu(
    tmp_path: Path, tiny_csm: Path, fsdd_corpus_dir: Path, codes_dir: Path
) -> None:
    config = write_config(
        tmp_path,
        tiny_csm,
        fsdd_corpus_dir,
        codec_cache=str(codes_dir),
        precision="bf16",
        lora={"use_dora": True, "use_rslora": True},
        stages=[{"name": "all", "steps": 2}],
    )
    result = run_training(config)
    assert np.isfinite(result.stages[0].train_loss)
    adapter = json.loads(
        (Path(result.stages[0].adapter_dir) / "adapter_config.json").read_text(encoding="utf-8")
    )
    assert adapter["use_dora"] and adapter["use_rslora"]
    keys = load_file(str(Path(result.stages[0].adapter_dir) / "adapter_model.safetensors")).keys()
    assert any("lora_magnitude_vector" in k for k in keys)
