"""Training Kokoro on the demo's Luxembourgish items (slow: each step runs the 512/1024-channel decoder).

The whole `voxtune train` -> export -> KModel path runs in tests/demo/test_demo_kokoro.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from voxtune.corpus import Corpus
from voxtune.models.registry import get_family

pytestmark = pytest.mark.slow


def test_teacher_forced_reconstruction_falls(tiny_kokoro_dir: Path, lb_corpus: Path, tmp_path: Path) -> None:
    family = get_family("kokoro")
    cuts = sorted(Corpus.open(lb_corpus).cuts(), key=lambda c: c.duration)
    settings = family.settings({"duration_source": "words", "decoder_window": 8})
    loaded = family.load(tiny_kokoro_dir)
    family.prepare_for_corpus(
        loaded, settings, family.speaker_ids(settings, [c.supervisions[0].speaker for c in cuts])
    )
    batch = family.collate([family.item_encoder(loaded, settings, cache_dir=tmp_path).encode(cuts[0])])
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
    for _ in range(2):
        out = family.loss(model, batch, settings)
        assert all(math.isfinite(float(v.detach())) for v in out.parts.values())
        optimizer.zero_grad()
        out.total.backward()
        optimizer.step()
    after = evaluate()
    for part in ("stft", "mel", "duration_l1", "energy"):
        assert after[part] < before[part], part
