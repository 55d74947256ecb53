"""Mapping of one kyutai transformer stack (attention, gated MLP, RMS norms) to transformers and back.

Shared by the STT model and Moshi's main (temporal) transformer, whose layers are named alike:

- kyutai ``{layers}.N.self_attn.in_projs.0.weight`` (rows q, k, v; RoPE pairs interleaved) <->
  transformers ``{layers}.N.self_attn.{q,k,v}_proj.linear.weight`` (q and k rows permuted for
  ``rotate_half``, see :mod:`rope_permutation`);
- ``self_attn.out_projs.0.weight`` <-> ``self_attn.o_proj.linear.weight``;
- ``gating.linear_in.weight`` <-> ``mlp.fc1.weight``; ``gating.linear_out.weight`` <-> ``mlp.fc2.weight``;
- ``norm1.alpha`` ``[1, 1, d]`` <-> ``input_layernorm.weight`` ``[d]``;
  ``norm2`` <-> ``post_attention_layernorm``.

Facts from transformers' ``convert_kyutai_speech_to_text_to_hf.py`` / ``convert_moshi_transformers.py``
and the installed modeling code (transformers 5.x).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch

from voxtune.models.kyutai.key_report import Shape
from voxtune.models.kyutai.rope_permutation import halves_to_interleaved, interleaved_to_halves

StateDict = dict[str, torch.Tensor]


def attention_dims(config) -> tuple[int, int, int]:
    """(query heads, key/value heads, head dim) of a transformers Kyutai/Moshi config."""
    heads = config.num_attention_heads
    kv_heads = config.num_key_value_heads or heads
    head_dim = config.head_dim or config.hidden_size // heads
    return heads, kv_heads, head_dim


def norm_alpha(weight: torch.Tensor) -> torch.Tensor:
    """transformers' RMSNorm ``weight`` ``[d]`` as kyutai's ``alpha`` ``[1, 1, d]``."""
    return weight.reshape(1, 1, -1)


def norm_weight(alpha: torch.Tensor) -> torch.Tensor:
    """kyutai's RMSNorm ``alpha`` ``[1, 1, d]`` as transformers' ``weight`` ``[d]``."""
    return alpha.reshape(-1)


def original_layer_shapes(layers: str, config) -> dict[str, Shape]:
    """Split-layout names and shapes of a kyutai transformer stack under the prefix ``layers``."""
    d = config.hidden_size
    heads, kv_heads, head_dim = attention_dims(config)
    shapes: dict[str, Shape] = {}
    for n in range(config.num_hidden_layers):
        p = f"{layers}.{n}."
        shapes[p + "self_attn.in_projs.0.weight"] = ((heads + 2 * kv_heads) * head_dim, d)
        shapes[p + "self_attn.out_projs.0.weight"] = (d, heads * head_dim)
        shapes[p + "gating.linear_in.weight"] = (config.ffn_dim, d)
        shapes[p + "gating.linear_out.weight"] = (d, config.ffn_dim // 2)
        shapes[p + "norm1.alpha"] = (1, 1, d)
        shapes[p + "norm2.alpha"] = (1, 1, d)
    return shapes


def layers_to_transformers(sd: Mapping[str, torch.Tensor], config, *, source: str, target: str) -> StateDict:
    """The kyutai stack under ``source`` (split layout) as transformers tensors under ``target``."""
    heads, kv_heads, head_dim = attention_dims(config)
    out: StateDict = {}
    for n in range(config.num_hidden_layers):
        src, dst = f"{source}.{n}.", f"{target}.{n}."
        q, k, v = torch.split(
            sd[src + "self_attn.in_projs.0.weight"],
            [heads * head_dim, kv_heads * head_dim, kv_heads * head_dim],
        )
        out[dst + "self_attn.q_proj.linear.weight"] = interleaved_to_halves(q, heads)
        out[dst + "self_attn.k_proj.linear.weight"] = interleaved_to_halves(k, kv_heads)
        out[dst + "self_attn.v_proj.linear.weight"] = v
        out[dst + "self_attn.o_proj.linear.weight"] = sd[src + "self_attn.out_projs.0.weight"]
        out[dst + "mlp.fc1.weight"] = sd[src + "gating.linear_in.weight"]
        out[dst + "mlp.fc2.weight"] = sd[src + "gating.linear_out.weight"]
        out[dst + "input_layernorm.weight"] = norm_weight(sd[src + "norm1.alpha"])
        out[dst + "post_attention_layernorm.weight"] = norm_weight(sd[src + "norm2.alpha"])
    return out


def layers_to_original(sd: Mapping[str, torch.Tensor], config, *, source: str, target: str) -> StateDict:
    """Inverse of :func:`layers_to_transformers`: transformers tensors under ``source`` to kyutai's."""
    heads, kv_heads, _ = attention_dims(config)
    out: StateDict = {}
    for n in range(config.num_hidden_layers):
        src, dst = f"{source}.{n}.", f"{target}.{n}."
        out[dst + "self_attn.in_projs.0.weight"] = torch.cat(
            [
                halves_to_interleaved(sd[src + "self_attn.q_proj.linear.weight"], heads),
                halves_to_interleaved(sd[src + "self_attn.k_proj.linear.weight"], kv_heads),
                sd[src + "self_attn.v_proj.linear.weight"],
            ]
        )
        out[dst + "self_attn.out_projs.0.weight"] = sd[src + "self_attn.o_proj.linear.weight"]
        out[dst + "gating.linear_in.weight"] = sd[src + "mlp.fc1.weight"]
        out[dst + "gating.linear_out.weight"] = sd[src + "mlp.fc2.weight"]
        out[dst + "norm1.alpha"] = norm_alpha(sd[src + "input_layernorm.weight"])
        out[dst + "norm2.alpha"] = norm_alpha(sd[src + "post_attention_layernorm.weight"])
    return out


def transformers_shapes(model_class, config, *, ignore_prefixes: Iterable[str]) -> dict[str, Shape]:
    """Names and shapes of ``model_class(config)``'s state dict, built on the meta device (no memory)."""
    with torch.device("meta"):
        model = model_class(config)
    prefixes = tuple(ignore_prefixes)
    return {k: tuple(v.shape) for k, v in model.state_dict().items() if not k.startswith(prefixes)}
