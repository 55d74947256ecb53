"""Moshi streams: delays, the control prefix, scored targets, and the loss against kyutai's own forward."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import MoshiForConditionalGeneration

from support.kyutai_reference import depformer_forward, lm_forward
from support.kyutai_tiny import (
    CARD,
    DEPTH_HEADS,
    EPS,
    HEADS,
    MOSHI_CODEBOOKS,
    ROPE_THETA,
    TEXT_CARD,
    fake_moshi_checkpoint,
    moshi_config,
)
from voxtune.models.moshi.loss import moshi_loss
from voxtune.models.moshi.sequence import (
    build_example,
    collate,
    delay_streams,
    stream_delays,
    undelay_streams,
)

S, TS = 99, 77  # audio and text start tokens


def test_delays_are_text_zero_semantic_zero_acoustic_one():
    assert stream_delays(3, 1) == [0, 0, 1, 1, 0, 1, 1]
    assert stream_delays(2, 2) == [0, 0, 2, 0, 2]


def test_delaying_and_undelaying_give_back_the_streams():
    raw = np.arange(5 * 6).reshape(5, 6)
    delays = [0, 0, 1, 0, 2]
    delayed = delay_streams(raw, delays, [TS, S, S, S, S])
    assert delayed[2].tolist() == [S, 12, 13, 14, 15, 16]
    assert delayed[4].tolist() == [S, S, 24, 25, 26, 27]
    assert (undelay_streams(delayed, delays, 4) == raw[:, :4]).all()


def test_an_example_holds_inputs_one_step_behind_its_targets_with_the_prefix_unscored():
    text = np.array([10, 11, 12])
    model = np.array([[20, 21, 22], [30, 31, 32]])
    user = np.array([[40, 41, 42], [50, 51, 52]])
    example = build_example(
        "x", text, model, user, prefix=[5], acoustic_delay=1, text_start=TS, audio_start=S
    )
    t = example.tensors
    # worked out by hand from moshi's LMModel.forward: start tokens, then the delayed step before
    assert t["inputs"].tolist() == [
        [TS, S, S, S, S],
        [5, S, S, S, S],
        [10, 20, S, 40, S],
        [11, 21, 30, 41, 50],
    ]
    assert t["targets"].tolist() == [[5, S, S], [10, 20, S], [11, 21, 30], [12, 22, 31]]
    assert t["scored"].tolist() == [
        [False, False, False],
        [True, True, False],
        [True, True, True],
        [True, True, True],
    ]
    assert example.length == 4 and example.targets == 8


def _reference_loss(sd, batch, *, pad_weight, first_weight):
    """moshi-finetune's loss, from the plain re-implementation of kyutai's forward (float64)."""
    t = batch.tensors
    sd = {k: v.double() for k, v in sd.items()}
    inputs, targets, scored = t["inputs"], t["targets"], t["scored"] & t["mask"][..., None]
    hidden, text_logits = lm_forward(
        sd, inputs[..., 0], inputs[..., 1:].transpose(1, 2), num_heads=HEADS, rope_theta=ROPE_THETA, eps=EPS
    )
    num = den = 0.0
    for b in range(inputs.shape[0]):
        for p in range(inputs.shape[1]):
            if scored[b, p, 0]:
                target = int(targets[b, p, 0])
                ce = -torch.log_softmax(text_logits[b, p], -1)[target]
                w = pad_weight if target in (3, 0) else 1.0
                num, den = num + w * float(ce), den + w
    text = num / den
    num = den = 0.0
    K = MOSHI_CODEBOOKS
    for b in range(inputs.shape[0]):
        for p in range(inputs.shape[1]):
            if not scored[b, p, 1:].any():
                continue
            tokens = targets[b, p, :K][None]
            logits = depformer_forward(sd, hidden[b, p][None], tokens, num_heads=DEPTH_HEADS, eps=EPS)[0]
            for k in range(K):
                if scored[b, p, 1 + k]:
                    ce = -torch.log_softmax(logits[k], -1)[int(targets[b, p, 1 + k])]
                    w = first_weight if k == 0 else 1.0
                    num, den = num + w * float(ce), den + w
    return text, num / den


def test_the_loss_is_moshi_finetunes_over_kyutais_own_forward():
    from voxtune.models.kyutai.naming_moshi import moshi_original_to_transformers

    sd = fake_moshi_checkpoint(seed=2)
    model = MoshiForConditionalGeneration(moshi_config()).eval()
    model.load_state_dict(moshi_original_to_transformers(sd, model.config), strict=False)
    rng = np.random.default_rng(0)
    examples = []
    for number, frames in enumerate((7, 5)):
        text = np.where(rng.random(frames) < 0.5, 3, rng.integers(4, TEXT_CARD, frames))
        text[0] = 0
        codes = rng.integers(0, CARD, (2, MOSHI_CODEBOOKS, frames))
        examples.append(
            build_example(
                f"d{number}",
                text,
                codes[0],
                codes[1],
                prefix=[9, 11][: number + 1],
                acoustic_delay=1,
                text_start=TEXT_CARD,
                audio_start=CARD,
            )
        )
    batch = collate(examples)
    with torch.no_grad():
        out = moshi_loss(model, batch, padding_ids=(3, 0), padding_weight=0.5, first_codebook_weight=100.0)
    text, audio = _reference_loss(sd, batch, pad_weight=0.5, first_weight=100.0)
    assert float(out.parts["text"]) == pytest.approx(text, rel=1e-4)
    assert float(out.parts["audio"]) == pytest.approx(audio, rel=1e-4)
    assert float(out.total) == pytest.approx(text + audio, rel=1e-4)
    assert out.tokens == int(batch.tensors["scored"].sum())
