"""The tiny Mimi: why a random one is useless, and that the fitted one gives varied, phase-robust codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import MimiModel

from support.tiny_csm import fsdd_clips
from voxtune.models import mimi


@pytest.fixture(scope="module")
def clips(fsdd_dir: Path) -> list[np.ndarray]:
    return fsdd_clips(fsdd_dir, count=16)


def _codec(seed: int = 0) -> MimiModel:
    torch.manual_seed(seed)
    return MimiModel(mimi.tiny_mimi_config()).eval()


def test_random_mimi_emits_only_code_zero(clips: list[np.ndarray]) -> None:
    codes = mimi.encode(_codec(), clips[0])
    assert codes.shape[0] == 4 and codes.shape[1] > 0
    assert not codes.any()  # the problem fit_codebooks solves


def test_fitted_codebooks_give_varied_codes(clips: list[np.ndarray]) -> None:
    codec = _codec()
    mimi.make_envelope_encoder(codec)
    mimi.fit_codebooks(codec, clips[:12])
    codes = np.concatenate([mimi.encode(codec, clip).T for clip in clips[12:]])  # unseen clips
    entropy = mimi.code_entropy(codes, 32)
    assert entropy > 0.5 * np.log(32), entropy
    assert all(len(np.unique(codes[:, k])) >= 8 for k in range(4))


def test_envelope_encoder_codes_follow_the_sound_not_its_phase(clips: list[np.ndarray]) -> None:
    speech = np.concatenate(clips[:8])

    def agreement(codec: MimiModel) -> float:
        """Share of codes unchanged when the audio starts 3 samples (0.1 ms) later."""
        shifted = np.concatenate([np.zeros(3, dtype=np.float32), speech])
        a, b = mimi.encode(codec, speech), mimi.encode(codec, shifted)
        n = min(a.shape[1], b.shape[1])
        return float((a[:, :n] == b[:, :n]).mean())

    random_encoder = _codec()
    mimi.fit_codebooks(random_encoder, clips)
    envelope = _codec()
    mimi.make_envelope_encoder(envelope)
    mimi.fit_codebooks(envelope, clips)
    assert agreement(envelope) >= 0.9
    assert agreement(random_encoder) < agreement(envelope) - 0.1


def test_code_entropy_known_answers() -> None:
    uniform = np.repeat(np.arange(4), 10)[:, None]  # 4 codes equally often, one codebook
    assert mimi.code_entropy(uniform, 4) == pytest.approx(np.log(4))
    constant = np.zeros((30, 2), dtype=int)
    assert mimi.code_entropy(constant, 8) == 0.0
    two = np.stack([np.zeros(8, int), np.tile([0, 1], 4)], axis=1)  # entropies 0 and ln 2
    assert mimi.code_entropy(two, 2) == pytest.approx(np.log(2) / 2)


def test_decode_inverts_shapes(clips: list[np.ndarray]) -> None:
    codec = _codec()
    mimi.fit_codebooks(codec, clips[:4])
    codes = mimi.encode(codec, clips[0])
    audio = mimi.decode(codec, codes)
    assert audio.dtype == np.float32 and abs(len(audio) - codes.shape[1] * 1920) < 1920
    assert mimi.decode(codec, np.zeros((4, 0), dtype=int)).size == 0
