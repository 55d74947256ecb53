"""A plain re-implementation of kyutai's LM forward, read off kyutai-labs/moshi, over Rust-named weights.

Independent of transformers and of the code under test: interleaved RoPE as in moshi/modules/rope.py,
q/k/v rows of ``in_proj_weight``, RMSNorm ``x * alpha * rsqrt(mean(x^2) + eps)``, SiLU gating that
splits ``linear_in``'s output in two halves, ``out_norm`` before ``text_linear`` (lm.rs ``forward_cond``),
and the depth transformer run slice by slice, each step attending to the earlier ones (lm.rs ``DepFormer``).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def rms_norm(x: torch.Tensor, alpha: torch.Tensor, eps: float) -> torch.Tensor:
    return x * alpha.reshape(-1) * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def rope_interleaved(x: torch.Tensor, theta: float) -> torch.Tensor:
    """x ``[B, H, T, D]``; rotates pairs (x[2i], x[2i+1]) by angle t * theta^(-2i/D)."""
    T, D = x.shape[-2], x.shape[-1]
    freqs = torch.exp(torch.arange(D // 2, dtype=torch.float64) * (-math.log(theta) * 2 / D))
    angles = torch.arange(T, dtype=torch.float64)[:, None] * freqs[None, :]
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    real, imag = x[..., 0::2], x[..., 1::2]
    return torch.stack([real * cos - imag * sin, real * sin + imag * cos], dim=-1).flatten(-2)


def causal_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """q, k, v ``[B, H, T, D]``."""
    T = q.shape[-2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return scores.softmax(-1) @ v


def gating(x: torch.Tensor, w_in: torch.Tensor, w_out: torch.Tensor) -> torch.Tensor:
    first, second = (x @ w_in.T).chunk(2, dim=-1)
    return (F.silu(first) * second) @ w_out.T


def _heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    B, T, C = x.shape
    return x.reshape(B, T, num_heads, C // num_heads).transpose(1, 2)


def _count_layers(sd: dict, prefix: str) -> int:
    n = 0
    while f"{prefix}{n}.norm1.alpha" in sd:
        n += 1
    return n


def lm_forward(
    sd: dict[str, torch.Tensor],
    text: torch.Tensor,
    audio: torch.Tensor,
    *,
    num_heads: int,
    rope_theta: float,
    eps: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Post-``out_norm`` hidden states ``[B, T, d]`` and text logits; text ``[B, T]``, audio ``[B, K, T]``."""
    x = sd["text_emb.weight"][text]
    for k in range(audio.shape[1]):
        x = x + sd[f"emb.{k}.weight"][audio[:, k]]
    for n in range(_count_layers(sd, "transformer.layers.")):
        p = f"transformer.layers.{n}."
        h = rms_norm(x, sd[p + "norm1.alpha"], eps)
        q, k, v = (_heads(t, num_heads) for t in (h @ sd[p + "self_attn.in_proj_weight"].T).chunk(3, dim=-1))
        attended = causal_attention(rope_interleaved(q, rope_theta), rope_interleaved(k, rope_theta), v)
        x = x + attended.transpose(1, 2).flatten(2) @ sd[p + "self_attn.out_proj.weight"].T
        h = rms_norm(x, sd[p + "norm2.alpha"], eps)
        x = x + gating(h, sd[p + "gating.linear_in.weight"], sd[p + "gating.linear_out.weight"])
    hidden = rms_norm(x, sd["out_norm.alpha"], eps)
    return hidden, hidden @ sd["text_linear.weight"].T


def depformer_forward(
    sd: dict[str, torch.Tensor],
    main_hidden: torch.Tensor,
    tokens: torch.Tensor,
    *,
    num_heads: int,
    eps: float,
) -> torch.Tensor:
    """Audio logits ``[B, K, card]`` of the Rust per-slice depth transformer for one time step.

    ``main_hidden`` ``[B, d]`` is the main transformer's output; ``tokens`` ``[B, K]`` holds the text
    token then audio codebooks 0..K-2 (each slice embeds the previous token).
    """
    steps = tokens.shape[1]
    layers = _count_layers(sd, "depformer.0.transformer.layers.")
    x = torch.stack(
        [
            main_hidden @ sd[f"depformer.{k}.linear_in.weight"].T
            + sd[f"depformer.{k}.emb.weight"][tokens[:, k]]
            for k in range(steps)
        ],
        dim=1,
    )
    for n in range(layers):
        layer = [f"depformer.{k}.transformer.layers.{n}." for k in range(steps)]
        h = torch.stack([rms_norm(x[:, k], sd[layer[k] + "norm1.alpha"], eps) for k in range(steps)], 1)
        qkv = torch.stack([h[:, k] @ sd[layer[k] + "self_attn.in_proj_weight"].T for k in range(steps)], 1)
        q, k_, v = (_heads(t, num_heads) for t in qkv.chunk(3, dim=-1))
        attended = causal_attention(q, k_, v).transpose(1, 2).flatten(2)
        x = x + torch.stack(
            [attended[:, k] @ sd[layer[k] + "self_attn.out_proj.weight"].T for k in range(steps)], 1
        )
        h = torch.stack([rms_norm(x[:, k], sd[layer[k] + "norm2.alpha"], eps) for k in range(steps)], 1)
        x = x + torch.stack(
            [
                gating(
                    h[:, k],
                    sd[layer[k] + "gating.linear_in.weight"],
                    sd[layer[k] + "gating.linear_out.weight"],
                )
                for k in range(steps)
            ],
            1,
        )
    return torch.stack([x[:, k] @ sd[f"depformer.{k}.linear_out.weight"].T for k in range(steps)], 1)
