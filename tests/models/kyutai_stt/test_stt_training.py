"""`voxtune train` on a tiny Kyutai STT: digits dictation learnt well below the target entropy."""

from __future__ import annotations

from pathlib import Path

from support.tiny_csm import write_config
from voxtune.train import run_training
from voxtune.train.adapters import read_metadata


def test_tiny_stt_learns_the_dictation_text_stream(
    tmp_path: Path, tiny_stt: Path, dictation_dir: Path, kyutai_codes
):
    config = write_config(
        tmp_path,
        tiny_stt,
        dictation_dir,
        codec_cache=str(kyutai_codes),
        # a random tiny model has no trained output head (a pretrained one has): train it beside LoRA
        lora={"r": 16, "alpha": 32, "dropout": 0.0, "train_modules": ["lm_head"]},
        optimizer={"lr": 5e-3},
        batching={"max_tokens": 800, "max_batch_size": 16},
        eval={"every": 40},
        checkpoints={"every": 0, "keep_best": 1, "keep_last": 1},
        family={"tail_seconds": 0.5},
        stages=[{"name": "digits", "steps": 120}],
    )
    result = run_training(config)
    stage = result.stages[0]
    assert stage.val_items == 6 and stage.train_items == 42 and stage.rejected == 0
    # the loss a model knowing only token frequencies would have; the trained model is well below it
    assert stage.target_entropy is not None and stage.target_entropy > 0.5
    assert stage.val["nll"] < 0.85 * stage.target_entropy
    metadata = read_metadata(stage.adapter_dir)
    assert metadata["family"] == "kyutai_stt"
    assert metadata["family_settings"]["tail_seconds"] == 0.5
