"""The CSM objective: backbone loss on each frame's first codebook + depth-decoder loss on the rest.

Written out (instead of calling ``CsmForConditionalGeneration.forward`` with labels) because the
trainer needs what that forward cannot give: codes taken from the cache instead of re-encoding audio
every step, per-frame loss weights, named parts, and the per-token NLL to compare with code entropy.
The maths is the model's own: the hidden state before frame t predicts its codebook 0 through
``lm_head``; the depth decoder, seeded with that hidden state, predicts codebooks 1..K-1.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import nn

from voxtune.models.base import Batch, LossOutput

PARTS = ("backbone", "depth")


def unwrap(model: nn.Module) -> nn.Module:
    """The transformers model under DDP / peft wrappers."""
    while hasattr(model, "module") and isinstance(model.module, nn.Module):
        model = model.module
    if hasattr(model, "get_base_model"):
        model = model.get_base_model()
    return model


def csm_loss(
    model: nn.Module,
    batch: Batch,
    *,
    depth_decoder_ratio: float = 1.0,
    loss_weights: Mapping[str, float] | None = None,
    training: bool = True,
) -> LossOutput:
    """Weighted backbone + depth-decoder cross-entropy over the scored frames of ``batch``.

    With ``training`` and ``depth_decoder_ratio < 1`` the depth decoder sees a random subset of the
    frames (torch's global RNG, so a resumed run draws the same subsets).
    """
    core = unwrap(model)
    t = batch.tensors
    codes, audio, target, weight, mask = t["codes"], t["audio"], t["target"], t["weight"], t["mask"]
    num_codebooks = codes.shape[-1]

    text_embeds = core.embed_text_tokens(t["text"])
    audio_embeds = core.backbone_model.embed_tokens(codes)
    embeds = torch.where(audio[..., None], audio_embeds.to(text_embeds.dtype), text_embeds)
    hidden = core.backbone_model(inputs_embeds=embeds, attention_mask=mask.long(), use_cache=False)
    hidden = hidden.last_hidden_state

    # the position before each scored frame predicts it
    scored = target[:, 1:]
    before = hidden[:, :-1][scored]  # (frames, hidden)
    frame_codes = codes[:, 1:][scored]  # (frames, codebooks)
    frame_weight = weight[:, 1:][scored]
    frames = before.shape[0]
    if frames == 0:
        zero = hidden.sum() * 0.0
        return LossOutput(zero, {"backbone": zero, "depth": zero, "nll": zero}, tokens=0)

    backbone_ce = F.cross_entropy(core.lm_head(before).float(), frame_codes[:, 0], reduction="none")
    backbone = (backbone_ce * frame_weight).sum() / frame_weight.sum().clamp(min=1e-8)

    chosen = torch.arange(frames, device=before.device)
    if training and depth_decoder_ratio < 1.0:
        keep = max(1, round(frames * depth_decoder_ratio))
        chosen = torch.randperm(frames)[:keep].sort().values.to(before.device)
    depth_logits = _depth_decoder_logits(core, before[chosen], frame_codes[chosen])
    depth_ce = F.cross_entropy(
        depth_logits.float().reshape(-1, depth_logits.shape[-1]),
        frame_codes[chosen, 1:].reshape(-1),
        reduction="none",
    ).view(len(chosen), num_codebooks - 1)
    chosen_weight = frame_weight[chosen]
    depth = (depth_ce * chosen_weight[:, None]).sum() / (
        chosen_weight.sum().clamp(min=1e-8) * (num_codebooks - 1)
    )

    weights = {"backbone": 1.0, "depth": 1.0, **dict(loss_weights or {})}
    total = weights["backbone"] * backbone + weights["depth"] * depth
    nll = (backbone_ce.sum() + depth_ce.sum()) / (frames + depth_ce.numel())
    return LossOutput(total, {"backbone": backbone, "depth": depth, "nll": nll}, tokens=frames)


def _depth_decoder_logits(core: nn.Module, seeds: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """Depth-decoder logits ``(frames, codebooks - 1, vocab)`` for codebooks 1..K-1 of each frame.

    Position 0 holds the backbone state before the frame, position k the embedding of codebook k-1.
    The embeddings are built here, out of place: the decoder's own forward writes position 0 in place,
    which fails once gradient checkpointing has made embedding outputs require grad.
    """
    decoder = core.depth_decoder
    num_codebooks = codes.shape[-1]
    inputs = codes[:, : num_codebooks - 1]
    offsets = torch.arange(num_codebooks - 1, device=codes.device) * decoder.model.vocab_size
    embeds = decoder.model.embed_tokens(inputs + offsets)
    embeds = torch.cat([seeds[:, None, :].to(embeds.dtype), embeds], dim=1)
    # an explicit all-ones mask: without one, transformers 5 mistakes 1-D position ids for packed
    # sequences whenever the number of frames equals the number of codebooks
    mask = torch.ones(embeds.shape[:2], dtype=torch.long, device=embeds.device)
    return decoder(inputs_embeds=embeds, attention_mask=mask, use_cache=False).logits
