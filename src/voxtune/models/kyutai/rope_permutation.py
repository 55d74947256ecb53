"""Reorder query/key projection rows between kyutai's and transformers' rotary-embedding conventions.

kyutai's RoPE (moshi/modules/rope.py ``interleave=True``; Rust ``candle_nn::rotary_emb::rope_i``)
rotates adjacent pairs ``(x0, x1), (x2, x3), ...`` of each head; transformers' ``rotate_half`` rotates
``(x_i, x_{i + head_dim / 2})``. Permuting each head's output rows turns one into the other, exactly
as transformers' conversion scripts do (``permute_for_rope``); the inverse undoes it.
"""

from __future__ import annotations

import torch


def interleaved_to_halves(weight: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Rows of a kyutai q or k projection (``[heads * head_dim, in]``) reordered for transformers."""
    rows, cols = weight.shape
    return weight.reshape(num_heads, rows // num_heads // 2, 2, cols).transpose(1, 2).reshape(rows, cols)


def halves_to_interleaved(weight: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Inverse of :func:`interleaved_to_halves`: transformers' q or k rows back to kyutai's order."""
    rows, cols = weight.shape
    return weight.reshape(num_heads, 2, rows // num_heads // 2, cols).transpose(1, 2).reshape(rows, cols)
