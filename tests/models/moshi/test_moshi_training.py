"""`voxtune train` on a tiny Moshi: stereo dialogues learnt below the target entropy, in staged order
(language, then voices, then emotions) with the control prefix."""

from __future__ import annotations

from pathlib import Path

from support.tiny_csm import write_config
from voxtune.train import run_training
from voxtune.train.adapters import read_metadata


def test_tiny_moshi_trains_language_then_voices_then_emotions(
    tmp_path: Path, tiny_moshi: Path, dialogue_dir: Path, kyutai_codes
):
    config = write_config(
        tmp_path,
        tiny_moshi,
        dialogue_dir,
        codec_cache=str(kyutai_codes),
        # peft cannot wrap the depth transformer's per-codebook weights: train it in full
        lora={"r": 16, "alpha": 32, "dropout": 0.0, "train_modules": ["depth_decoder"]},
        optimizer={"lr": 8e-3},
        batching={"max_tokens": 800, "max_batch_size": 16},
        eval={"every": 0},
        checkpoints={"every": 0, "keep_best": 1, "keep_last": 1},
        stages=[
            {"name": "language", "steps": 60, "adapter": "telugu"},
            {"name": "voices", "steps": 15, "family": {"control": ["speaker"]}},
            {"name": "emotions", "steps": 15, "family": {"control": ["speaker", "emotion"]}},
        ],
    )
    result = run_training(config)
    language, voices, emotions = result.stages
    assert language.val_items == 8 and language.rejected == 0
    assert language.target_entropy is not None
    assert language.val["nll"] < 0.8 * language.target_entropy
    assert set(language.val) >= {"text", "audio", "nll"}
    # one adapter carried through the stages, each recording the controls it was trained with
    assert {s.adapter for s in result.stages} == {"telugu"}
    assert emotions.val["nll"] < 0.8 * emotions.target_entropy
    assert read_metadata(voices.adapter_dir)["family_settings"]["control"] == ["speaker"]
    assert read_metadata(emotions.adapter_dir)["family_settings"]["control"] == ["speaker", "emotion"]
