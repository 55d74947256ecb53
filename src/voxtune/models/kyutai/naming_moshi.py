"""Moshi 7B weights: kyutai's own naming <-> transformers' ``MoshiForConditionalGeneration``.

Verified against transformers' ``convert_moshi_transformers.py`` (current version: per-step split of the
depth attention) and the installed modeling code, the moshi package (``in_projs`` per step) and
``scripts/import_rust.py`` (``in_proj_weight.chunk(steps)[k]``). K is ``config.num_codebooks``.

Main (temporal) transformer:
``text_emb.weight`` <-> ``decoder.model.embed_tokens.weight``; ``emb.{0..2K-1}.weight`` (Moshi's own
codebooks first, then the user's) <-> ``embed_tokens.{i}.weight``; ``out_norm.alpha`` <->
``decoder.model.norm.weight``; ``text_linear.weight`` <-> ``decoder.lm_head.weight`` (no extra row);
``transformer.layers.N.*`` <-> ``decoder.model.layers.N.*`` (see :mod:`naming_common`, RoPE rows permuted).

Depth transformer ("depformer"; no positional embedding, so no permutation), per step k stacked on dim 0:
``depformer_in.{k}.weight`` -> ``depth_decoder.input_projections.weight[k]``;
``linears.{k}.weight`` -> ``depth_decoder.lm_heads.weight[k]``;
``depformer_text_emb.weight`` <-> ``depth_decoder.text_embed_tokens.weight``;
``depformer_emb.{i}.weight`` (i < K-1) <-> ``depth_decoder.embed_tokens.{i}.weight``;
``depformer.layers.N.self_attn.in_projs.{k}.weight`` (rows q, k, v) -> ``q/k/v_proj.linear.weight[k]``;
``...out_projs.{k}.weight`` -> ``o_proj.linear.weight[k]``; ``gating.{k}.linear_in/linear_out`` ->
``mlp.fc1/fc2.weight[k]``; ``norm1/norm2.alpha`` (shared by all steps) <-> the layer norms.
``audio_encoder.*`` (Mimi) is not part of kyutai's LM checkpoint. Returned tensors may be views of the
input's (the Rust layout repeats the shared depth norms under every slice); :func:`save_original_checkpoint`
copies them before writing.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from transformers import MoshiConfig, MoshiForConditionalGeneration

from voxtune.models.kyutai.key_report import Shape, check_state_dict
from voxtune.models.kyutai.layouts import OriginalLayout, from_split_layout, to_split_layout
from voxtune.models.kyutai.naming_common import (
    attention_dims,
    layers_to_original,
    layers_to_transformers,
    norm_alpha,
    norm_weight,
    original_layer_shapes,
    transformers_shapes,
)
from voxtune.models.kyutai.pause_heads import PauseHeads, pause_head_tensors, without_pause_heads

StateDict = dict[str, torch.Tensor]

#: transformers keys that are not part of kyutai's LM checkpoint (the Mimi codec ships separately).
MOSHI_NON_LM_PREFIXES = ("audio_encoder.",)


def moshi_original_shapes(config: MoshiConfig) -> dict[str, Shape]:
    """Names (split layout) and shapes of the Moshi LM checkpoint ``config`` describes."""
    d, K = config.hidden_size, config.num_codebooks
    depth = config.depth_decoder_config
    dd = depth.hidden_size
    heads, kv_heads, head_dim = attention_dims(depth)
    shapes: dict[str, Shape] = {
        "text_emb.weight": (config.vocab_size + 1, d),
        "text_linear.weight": (config.vocab_size, d),
        "out_norm.alpha": (1, 1, d),
        "depformer_text_emb.weight": (config.vocab_size + 1, dd),
    }
    for i in range(2 * K):
        shapes[f"emb.{i}.weight"] = (config.audio_vocab_size + 1, d)
    shapes.update(original_layer_shapes("transformer.layers", config))
    for k in range(K):
        shapes[f"depformer_in.{k}.weight"] = (dd, depth.input_size)
        shapes[f"linears.{k}.weight"] = (config.audio_vocab_size, dd)
    for i in range(K - 1):
        shapes[f"depformer_emb.{i}.weight"] = (config.audio_vocab_size + 1, dd)
    for n in range(depth.num_hidden_layers):
        p = f"depformer.layers.{n}."
        shapes[p + "norm1.alpha"] = (1, 1, dd)
        shapes[p + "norm2.alpha"] = (1, 1, dd)
        for k in range(K):
            shapes[p + f"self_attn.in_projs.{k}.weight"] = ((heads + 2 * kv_heads) * head_dim, dd)
            shapes[p + f"self_attn.out_projs.{k}.weight"] = (dd, heads * head_dim)
            shapes[p + f"gating.{k}.linear_in.weight"] = (depth.ffn_dim, dd)
            shapes[p + f"gating.{k}.linear_out.weight"] = (dd, depth.ffn_dim // 2)
    return shapes


def moshi_original_to_transformers(state_dict: Mapping[str, torch.Tensor], config: MoshiConfig) -> StateDict:
    """A kyutai Moshi checkpoint (any original layout) as the LM part of transformers' state dict.

    ``extra_heads.*`` are ignored; any other key that does not fit ``config`` raises
    :class:`CheckpointMismatchError` naming it.
    """
    sd = to_split_layout(without_pause_heads(state_dict))
    check_state_dict(sd, moshi_original_shapes(config), what="the Moshi checkpoint does not fit the config")
    K = config.num_codebooks
    depth = config.depth_decoder_config
    heads, kv_heads, head_dim = attention_dims(depth)
    out: StateDict = {
        "decoder.model.embed_tokens.weight": sd["text_emb.weight"],
        "decoder.model.norm.weight": norm_weight(sd["out_norm.alpha"]),
        "decoder.lm_head.weight": sd["text_linear.weight"],
        "depth_decoder.text_embed_tokens.weight": sd["depformer_text_emb.weight"],
        "depth_decoder.input_projections.weight": torch.stack(
            [sd[f"depformer_in.{k}.weight"] for k in range(K)]
        ),
        "depth_decoder.lm_heads.weight": torch.stack([sd[f"linears.{k}.weight"] for k in range(K)]),
    }
    out.update({f"embed_tokens.{i}.weight": sd[f"emb.{i}.weight"] for i in range(2 * K)})
    out.update(
        {f"depth_decoder.embed_tokens.{i}.weight": sd[f"depformer_emb.{i}.weight"] for i in range(K - 1)}
    )
    out.update(layers_to_transformers(sd, config, source="transformer.layers", target="decoder.model.layers"))
    for n in range(depth.num_hidden_layers):
        src, dst = f"depformer.layers.{n}.", f"depth_decoder.layers.{n}."
        qkv = [
            torch.split(
                sd[src + f"self_attn.in_projs.{k}.weight"],
                [heads * head_dim, kv_heads * head_dim, kv_heads * head_dim],
            )
            for k in range(K)
        ]
        for j, name in enumerate(("q_proj", "k_proj", "v_proj")):
            out[dst + f"self_attn.{name}.linear.weight"] = torch.stack([parts[j] for parts in qkv])
        out[dst + "self_attn.o_proj.linear.weight"] = _stack(sd, src + "self_attn.out_projs.{k}.weight", K)
        out[dst + "mlp.fc1.weight"] = _stack(sd, src + "gating.{k}.linear_in.weight", K)
        out[dst + "mlp.fc2.weight"] = _stack(sd, src + "gating.{k}.linear_out.weight", K)
        out[dst + "input_layernorm.weight"] = norm_weight(sd[src + "norm1.alpha"])
        out[dst + "post_attention_layernorm.weight"] = norm_weight(sd[src + "norm2.alpha"])
    return out


def moshi_transformers_to_original(
    state_dict: Mapping[str, torch.Tensor],
    config: MoshiConfig,
    *,
    extra_heads: PauseHeads | Mapping[str, torch.Tensor] | None = None,
    layout: OriginalLayout = "rust",
) -> StateDict:
    """transformers' Moshi state dict (``audio_encoder.*`` ignored) in kyutai's naming; ``layout`` is by
    default the per-slice naming kyutai's Rust server reads, ``"pytorch"`` gives the moshi package's.
    """
    lm = {k: v for k, v in state_dict.items() if not k.startswith(MOSHI_NON_LM_PREFIXES)}
    expected = transformers_shapes(
        MoshiForConditionalGeneration, config, ignore_prefixes=MOSHI_NON_LM_PREFIXES
    )
    check_state_dict(lm, expected, what="the transformers Moshi weights do not fit the config")
    K = config.num_codebooks
    depth = config.depth_decoder_config
    out: StateDict = {
        "text_emb.weight": lm["decoder.model.embed_tokens.weight"],
        "out_norm.alpha": norm_alpha(lm["decoder.model.norm.weight"]),
        "text_linear.weight": lm["decoder.lm_head.weight"],
        "depformer_text_emb.weight": lm["depth_decoder.text_embed_tokens.weight"],
    }
    out.update({f"emb.{i}.weight": lm[f"embed_tokens.{i}.weight"] for i in range(2 * K)})
    out.update(
        {f"depformer_emb.{i}.weight": lm[f"depth_decoder.embed_tokens.{i}.weight"] for i in range(K - 1)}
    )
    for k in range(K):
        out[f"depformer_in.{k}.weight"] = lm["depth_decoder.input_projections.weight"][k]
        out[f"linears.{k}.weight"] = lm["depth_decoder.lm_heads.weight"][k]
    out.update(layers_to_original(lm, config, source="decoder.model.layers", target="transformer.layers"))
    for n in range(depth.num_hidden_layers):
        src, dst = f"depth_decoder.layers.{n}.", f"depformer.layers.{n}."
        for k in range(K):
            out[dst + f"self_attn.in_projs.{k}.weight"] = torch.cat(
                [lm[src + f"self_attn.{name}.linear.weight"][k] for name in ("q_proj", "k_proj", "v_proj")]
            )
            out[dst + f"self_attn.out_projs.{k}.weight"] = lm[src + "self_attn.o_proj.linear.weight"][k]
            out[dst + f"gating.{k}.linear_in.weight"] = lm[src + "mlp.fc1.weight"][k]
            out[dst + f"gating.{k}.linear_out.weight"] = lm[src + "mlp.fc2.weight"][k]
        out[dst + "norm1.alpha"] = norm_alpha(lm[src + "input_layernorm.weight"])
        out[dst + "norm2.alpha"] = norm_alpha(lm[src + "post_attention_layernorm.weight"])
    out = from_split_layout(out, layout)
    out.update(pause_head_tensors(extra_heads))
    return out


def _stack(sd: Mapping[str, torch.Tensor], pattern: str, steps: int) -> torch.Tensor:
    return torch.stack([sd[pattern.format(k=k)] for k in range(steps)])
