"""The Moshi objective: inner-monologue text loss + model-channel audio loss, as moshi-finetune computes it.

The temporal transformer sees the sum of the text embedding and the 2K audio embeddings of each
position; its post-norm state predicts the text token (``decoder.lm_head``) and seeds the depth
transformer, which reads the step's text token then codebooks 0..K-2 and predicts codebooks 0..K-1
(moshi ``forward_depformer_training``). Losses follow moshi-finetune's ``compute_loss_with_mask``:
text targets that are padding weighted by ``text_padding_weight``, the first codebook weighted by
``first_codebook_weight``, each a weighted mean; the total is their (configurable) weighted sum.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import torch
import torch.nn.functional as F
from torch import nn

from voxtune.models.base import Batch, LossOutput
from voxtune.models.csm.loss import unwrap

PARTS = ("text", "audio")


def input_embeddings(core: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """Summed embeddings of ``inputs`` ``[..., 1 + 2K]`` (text, model codebooks, user codebooks)."""
    embeds = core.decoder.model.embed_tokens(inputs[..., 0])
    for k, table in enumerate(core.embed_tokens):
        embeds = embeds + table(inputs[..., 1 + k])
    return embeds


def depth_logits(core: nn.Module, hidden: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """Audio logits ``[N, K, card]`` of the depth transformer for temporal states ``hidden`` ``[N, d]``
    and its input ``tokens`` ``[N, K]`` (the step's text token, then codebooks 0..K-2)."""
    steps = tokens.shape[1]
    seed = hidden[:, None, :].expand(-1, steps, -1)
    return core.depth_decoder(input_ids=tokens, last_hidden_state=seed, use_cache=False).logits


def moshi_loss(
    model: nn.Module,
    batch: Batch,
    *,
    padding_ids: Collection[int],
    padding_weight: float,
    first_codebook_weight: float,
    loss_weights: Mapping[str, float] | None = None,
) -> LossOutput:
    """Weighted text + audio cross-entropy over the scored targets of ``batch``.

    Parts: ``text``, ``audio`` (the weighted means), ``nll`` (plain mean over every scored token,
    text and audio together, comparable with :func:`stream_entropy`).
    """
    core = unwrap(model)
    t = batch.tensors
    inputs, targets, scored, mask = t["inputs"], t["targets"], t["scored"] & t["mask"][..., None], t["mask"]
    hidden = core.decoder.model(
        inputs_embeds=input_embeddings(core, inputs), attention_mask=mask.long()
    ).last_hidden_state

    text_scored = scored[..., 0]
    text_target = targets[..., 0][text_scored]
    text_ce = F.cross_entropy(
        core.decoder.lm_head(hidden[text_scored]).float(), text_target, reduction="none"
    )
    padding = torch.zeros_like(text_target, dtype=torch.bool)
    for token in padding_ids:
        padding |= text_target == token
    text_weight = torch.where(padding, torch.full_like(text_ce, padding_weight), torch.ones_like(text_ce))
    text = (text_ce * text_weight).sum() / text_weight.sum().clamp(min=1e-8)

    audio_scored = scored[..., 1:]
    rows = audio_scored.any(-1)  # positions with at least one scored codebook
    codebooks = audio_scored.shape[-1]
    logits = depth_logits(core, hidden[rows], targets[rows][:, :codebooks]).float()
    audio_target = targets[rows][:, 1:]
    keep = audio_scored[rows]
    audio_ce = F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]),
        audio_target.clamp(max=logits.shape[-1] - 1).reshape(-1),
        reduction="none",
    ).view_as(audio_target)
    audio_weight = keep.float()
    audio_weight[:, 0] *= first_codebook_weight
    audio = (audio_ce * audio_weight).sum() / audio_weight.sum().clamp(min=1e-8)

    weights = {"text": 1.0, "audio": 1.0, **dict(loss_weights or {})}
    total = weights["text"] * text + weights["audio"] * audio
    count = text_ce.numel() + int(keep.sum())
    nll = (text_ce.sum() + audio_ce[keep].sum()) / max(count, 1)
    return LossOutput(total, {"text": text, "audio": audio, "nll": nll}, tokens=count)
