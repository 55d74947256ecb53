"""Dialogues from single-speaker items: the user's turn on one channel, then the model's on the other;
and a tiny Moshi trained on the demo corpus made into dialogues."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from support.tiny_csm import fsdd_corpus, write_config
from voxtune.corpus import Corpus, fields
from voxtune.corpus.manifest import write_cuts
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.moshi.dialogues import pair_dialogues


def test_each_model_item_is_answered_after_a_user_item(tmp_path: Path, fsdd_dir: Path):
    corpus = fsdd_corpus(fsdd_dir, tmp_path / "fsdd", speakers=["george", "jackson"], indices=range(1))
    cuts = list(Corpus.open(corpus).cuts())
    dialogues, left_out = pair_dialogues(cuts, ["george"], tmp_path / "audio", gap=0.3, lead=0.1)
    assert len(dialogues) == 10 and left_out == []
    dialogue = dialogues[3]
    model_sup, user_sup = dialogue.supervisions
    assert (model_sup.speaker, model_sup.channel, user_sup.speaker, user_sup.channel) == (
        "george",
        0,
        "jackson",
        1,
    )
    assert dialogue.custom[fields.CHANNEL_ROLES] == {"model": 0, "user": 1}
    source = next(c for c in cuts if c.id == dialogue.id.removeprefix("dialogue-"))
    user_source = next(
        c for c in cuts if c.supervisions[0].text == user_sup.text and c.supervisions[0].speaker == "jackson"
    )
    model_start = 0.1 + user_source.duration + 0.3
    assert model_sup.alignment["word"][0].start == pytest.approx(model_start, abs=1e-3)
    assert user_sup.alignment["word"][0].start == pytest.approx(0.1, abs=1e-3)
    stereo = cut_waveform(dialogue, 24000, mono=False)
    model_audio = cut_waveform(source, 24000)[0]
    start = round(model_start * 24000)
    assert np.abs(stereo[0, : start - 10]).max() == 0.0  # the model is silent while the user speaks
    np.testing.assert_allclose(stereo[0, start : start + len(model_audio)], model_audio, atol=1e-3)
    # a language with no other speaker leaves the model's items out, saying why
    _, lonely = pair_dialogues(cuts[:3], ["george"], tmp_path / "audio2")
    assert {error.code for _, error in lonely} == {"no_user_turn"}


@pytest.mark.slow
def test_tiny_moshi_trains_on_the_demo_corpus_made_into_dialogues(
    tmp_path: Path, demo_raw: Path, fsdd_dir: Path
):
    from voxtune.demo.pipeline import DemoContext, prepare_corpus
    from voxtune.models.moshi.tiny import build_tiny_moshi
    from voxtune.train import run_training

    (tmp_path / "raw").symlink_to(demo_raw)
    ctx = DemoContext(out=tmp_path, workers=1, seed=0, console=Console(file=io.StringIO(), width=200))
    prepare_corpus(ctx)
    cuts = [c for c in Corpus.open(ctx.corpus_dir).cuts() if not c.id.startswith("te_podcast")]
    model_voices = sorted(
        {s.speaker for c in cuts for s in c.supervisions if s.speaker and s.speaker.endswith("_f")}
    )
    dialogues, _ = pair_dialogues(cuts, model_voices, tmp_path / "dialogues" / "audio")
    assert len(dialogues) >= 40
    write_cuts(dialogues, tmp_path / "dialogues" / "cuts.jsonl.gz")
    texts = [s.text for c in cuts for s in c.supervisions if s.text]
    clips = [cut_waveform(c, 24000)[0] for c in cuts[::3]]
    model = build_tiny_moshi(tmp_path / "tiny-moshi", texts, audio=clips)
    config = write_config(
        tmp_path,
        model,
        tmp_path / "dialogues",
        lora={"r": 16, "alpha": 32, "dropout": 0.0, "train_modules": ["depth_decoder"]},
        optimizer={"lr": 8e-3},
        batching={"max_tokens": 1500, "max_batch_size": 16},
        eval={"every": 0},
        checkpoints={"every": 0, "keep_best": 1, "keep_last": 1},
        stages=[{"name": "dialogues", "steps": 80}],
    )
    stage = run_training(config).stages[0]
    assert stage.val["nll"] < 0.8 * stage.target_entropy
