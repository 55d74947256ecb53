"""The Kyutai STT objective: cross-entropy on the text stream only, padding down-weighted.

Kyutai STT has no depth transformer, so unlike Moshi there is no audio loss (the patched
moshi-finetune of the seed plan trained on the text loss alone). Written out instead of calling the
model with labels because the trainer needs codes from the cache, padding weights (moshi-finetune's
``compute_loss_with_mask``: padding and end-of-padding targets weighted by ``text_padding_weight``, the
mean taken over the weights) and the plain per-token NLL to compare with the target entropy.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import torch
import torch.nn.functional as F
from torch import nn

from voxtune.models.base import Batch, LossOutput
from voxtune.models.csm.loss import unwrap

PARTS = ("text",)


def text_logits(model: nn.Module, text_in: torch.Tensor, audio_in: torch.Tensor, mask: torch.Tensor):
    """(post-norm hidden states ``[B, T, d]``, text logits ``[B, T, vocab]``) of a (possibly peft-wrapped)
    ``KyutaiSpeechToTextForConditionalGeneration`` for text ``[B, T]`` and audio ``[B, T, K]`` inputs."""
    core = unwrap(model)
    input_ids = torch.cat([text_in[..., None], audio_in], dim=-1)
    hidden = core.model(input_ids=input_ids, attention_mask=mask.long()).last_hidden_state
    return hidden, core.lm_head(hidden)


def stt_loss(
    model: nn.Module,
    batch: Batch,
    *,
    padding_ids: Collection[int],
    padding_weight: float,
    loss_weights: Mapping[str, float] | None = None,
) -> LossOutput:
    """Weighted text cross-entropy over the real frames of ``batch``.

    Parts: ``text`` (the weighted loss), ``nll`` (unweighted mean over every target), ``words`` (mean
    over word tokens only: what the digits-as-words fix changes).
    """
    t = batch.tensors
    valid = t["mask"]
    _, logits = text_logits(model, t["text_in"], t["audio_in"], valid)
    target = t["target"][valid]
    ce = F.cross_entropy(logits[valid].float(), target, reduction="none")
    padding = torch.zeros_like(target, dtype=torch.bool)
    for token in padding_ids:
        padding |= target == token
    weight = torch.where(padding, torch.full_like(ce, padding_weight), torch.ones_like(ce))
    text = (ce * weight).sum() / weight.sum().clamp(min=1e-8)
    words = ce[~padding].mean() if bool((~padding).any()) else ce.sum() * 0.0
    total = dict(loss_weights or {}).get("text", 1.0) * text
    return LossOutput(total, {"text": text, "nll": ce.mean(), "words": words}, tokens=int(target.numel()))
