"""Training Kokoro on the demo's Luxembourgish items (slow: each step runs the 512/1024-channel decoder)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import yaml

from voxtune.corpus import Corpus
from voxtune.models.kokoro.checkpoint import WEIGHTS_FILE
from voxtune.models.kokoro.export import export_adapter
from voxtune.models.registry import get_family
from voxtune.train import run_training

pytestmark = pytest.mark.slow


def test_teacher_forced_reconstruction_falls(tiny_kokoro_dir: Path, lb_corpus: Path) -> None:
    family = get_family("kokoro")
    cuts = sorted(Corpus.open(lb_corpus).cuts(), key=lambda c: c.duration)
    settings = family.settings({"duration_source": "words", "decoder_window": 8})
    loaded = family.load(tiny_kokoro_dir)
    family.prepare_model(
        loaded, settings, family.speaker_ids(settings, [c.supervisions[0].speaker for c in cuts])
    )
    batch = family.collate([family.item_encoder(loaded, settings, cache_dir=None).encode(cuts[0])])
    model = loaded.model
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)

    def evaluate() -> dict[str, float]:
        model.eval()  # centred window: every evaluation decodes the same frames
        torch.manual_seed(0)  # and the same harmonic-source noise
        with torch.no_grad():
            parts = family.loss(model, batch, settings, training=False).parts
        model.train()
        return {name: float(value) for name, value in parts.items()}

    before = evaluate()
    torch.manual_seed(1)
    for _ in range(3):
        out = family.loss(model, batch, settings)
        assert all(math.isfinite(float(v)) for v in out.parts.values())
        optimizer.zero_grad()
        out.total.backward()
        optimizer.step()
    after = evaluate()
    for part in ("stft", "mel", "duration_l1", "energy"):
        assert after[part] < before[part], part


def test_voxtune_train_lora_then_kmodel_speaks_the_export(
    tiny_kokoro_dir: Path, lb_corpus: Path, tmp_path: Path
) -> None:
    config = {
        "name": "kokoro-tiny",
        "model": {"base": str(tiny_kokoro_dir), "family": "kokoro"},
        "corpus": str(lb_corpus),
        "output": str(tmp_path / "runs"),
        "codec_cache": str(tmp_path / "cache"),
        "cpu_threads": 2,
        "precision": "fp32",
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
        "optimizer": {"lr": 1e-3},
        "batching": {"max_tokens": 120, "max_batch_size": 2},
        "eval": {"every": 0, "validation_fraction": 0.15, "max_items": 1},
        "checkpoints": {"every": 0, "keep_best": 0, "keep_last": 1, "select": "last"},
        "logging": {"every": 1, "samples_at_end": False, "report_to": ["tensorboard"]},
        "family": {
            "duration_source": "words",
            "decoder_window": 8,
            "voice_names": {"lb_m": "lb_max"},
            "freeze": ["bert", "text_encoder"],
        },
        "stages": [{"name": "lb", "steps": 2, "filter": {"speakers": ["lb_m"]}}],
    }
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_training(path)
    stage = result.stages[0]
    assert stage.steps == 2 and stage.train_loss is not None and math.isfinite(stage.train_loss)
    assert all(math.isfinite(v) for v in stage.val.values()) and "mel" in stage.val

    out = export_adapter(result.adapters["main"], tmp_path / "lb-kokoro")
    assert (out / WEIGHTS_FILE).is_file() and (out / "kokoro_symbols.json").is_file()
    assert sorted(p.name for p in (out / "voices").iterdir()) == ["lb_max.pt"]  # the stage's speaker only

    from kokoro import KModel, KPipeline

    kmodel = KModel(
        repo_id="hexgrad/Kokoro-82M", config=str(out / "config.json"), model=str(out / WEIGHTS_FILE)
    )
    base = KModel(
        repo_id="hexgrad/Kokoro-82M",
        config=str(tiny_kokoro_dir / "config.json"),
        model=str(tiny_kokoro_dir / WEIGHTS_FILE),
    )
    assert not torch.equal(kmodel.bert_encoder.weight, base.bert_encoder.weight)  # LoRA merged in
    assert torch.equal(kmodel.decoder.generator.conv_post.weight_v, base.decoder.generator.conv_post.weight_v)
    assert kmodel.vocab["ʀ"] == kmodel.vocab["ʁ"]  # reads Luxembourgish misaki text as trained
    pipeline = KPipeline(lang_code="e", repo_id="hexgrad/Kokoro-82M", model=kmodel)
    results = list(
        pipeline.generate_from_tokens(
            "mˈojən, vˈɜɪ ʒˈeːt ˈeːt dˈiːʀ?", voice=str(out / "voices" / "lb_max.pt")
        )
    )
    audio = results[0].audio
    assert audio is not None and audio.ndim == 1 and len(audio) > 0 and torch.isfinite(audio).all()
