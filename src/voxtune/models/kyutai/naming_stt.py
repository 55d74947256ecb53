"""Kyutai STT weights: kyutai's own naming <-> transformers' ``KyutaiSpeechToTextForConditionalGeneration``.

Verified against transformers' ``convert_kyutai_speech_to_text_to_hf.py`` and the installed modeling
code, and kyutai's Rust loader (``lm.rs``):

- ``text_emb.weight`` ``[vocab_size, d]`` (text card + 1), then ``emb.{0..K-1}.weight``
  ``[codebook_vocab_size, d]``, then one zero row (the audio pad id ``vocab_size + K * codebook_vocab_size``)
  are concatenated, in that order, into ``model.embed_tokens.embed_tokens.weight``;
- ``text_linear.weight`` ``[vocab_size - 1, d]`` gains a zero last row to become ``lm_head.weight``;
- ``out_norm.alpha`` <-> ``model.norm.weight``; ``transformer.layers.N.*`` <-> ``model.layers.N.*``
  (see :mod:`naming_common`, RoPE rows permuted);
- ``extra_heads.{i}.weight`` (pause heads) have no place in transformers' class; they are left out here
  and handled by :mod:`pause_heads`. ``codec_model.*`` (Mimi) is not in kyutai's LM checkpoint.

Going back, the padding rows transformers adds (embedding pad row, ``lm_head``'s last row) are dropped:
the original model has no such weights. Returned tensors may be views of the input's (and share
memory); :func:`save_original_checkpoint` copies them before writing.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
from transformers import KyutaiSpeechToTextConfig, KyutaiSpeechToTextForConditionalGeneration

from voxtune.models.kyutai.key_report import Shape, check_state_dict
from voxtune.models.kyutai.layouts import OriginalLayout, from_split_layout, to_split_layout
from voxtune.models.kyutai.naming_common import (
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
STT_NON_LM_PREFIXES = ("codec_model.",)


def stt_original_shapes(config: KyutaiSpeechToTextConfig) -> dict[str, Shape]:
    """Names (split layout) and shapes of the STT LM checkpoint ``config`` describes, pause heads aside."""
    d = config.hidden_size
    shapes: dict[str, Shape] = {
        "text_emb.weight": (config.vocab_size, d),
        "text_linear.weight": (config.vocab_size - 1, d),
        "out_norm.alpha": (1, 1, d),
    }
    for k in range(config.num_codebooks):
        shapes[f"emb.{k}.weight"] = (config.codebook_vocab_size, d)
    shapes.update(original_layer_shapes("transformer.layers", config))
    return shapes


def stt_original_to_transformers(
    state_dict: Mapping[str, torch.Tensor], config: KyutaiSpeechToTextConfig
) -> StateDict:
    """A kyutai STT checkpoint (any original layout) as the LM part of transformers' state dict.

    ``extra_heads.*`` are ignored (read them with :meth:`PauseHeads.from_original_state_dict`); any other
    key that does not fit ``config`` raises :class:`CheckpointMismatchError` naming it.
    """
    sd = to_split_layout(without_pause_heads(state_dict))
    check_state_dict(sd, stt_original_shapes(config), what="the STT checkpoint does not fit the config")
    d = config.hidden_size
    embeddings = [sd["text_emb.weight"]] + [sd[f"emb.{k}.weight"] for k in range(config.num_codebooks)]
    pad_row = embeddings[0].new_zeros(1, d)
    out: StateDict = {
        "model.embed_tokens.embed_tokens.weight": torch.cat([*embeddings, pad_row]),
        "model.norm.weight": norm_weight(sd["out_norm.alpha"]),
        "lm_head.weight": torch.cat([sd["text_linear.weight"], pad_row]),
    }
    out.update(layers_to_transformers(sd, config, source="transformer.layers", target="model.layers"))
    return out


def stt_transformers_to_original(
    state_dict: Mapping[str, torch.Tensor],
    config: KyutaiSpeechToTextConfig,
    *,
    extra_heads: PauseHeads | Mapping[str, torch.Tensor] | None = None,
    layout: OriginalLayout = "rust",
) -> StateDict:
    """transformers' STT state dict (``codec_model.*`` ignored) in kyutai's naming, ``layout`` by default
    the one kyutai's Rust server reads; ``extra_heads`` (pause heads) are added as ``extra_heads.{i}.weight``.
    """
    lm = {k: v for k, v in state_dict.items() if not k.startswith(STT_NON_LM_PREFIXES)}
    expected = transformers_shapes(
        KyutaiSpeechToTextForConditionalGeneration, config, ignore_prefixes=STT_NON_LM_PREFIXES
    )
    check_state_dict(lm, expected, what="the transformers STT weights do not fit the config")
    vocab, codebook_vocab = config.vocab_size, config.codebook_vocab_size
    table = lm["model.embed_tokens.embed_tokens.weight"]
    out: StateDict = {
        "text_emb.weight": table[:vocab],
        "out_norm.alpha": norm_alpha(lm["model.norm.weight"]),
        "text_linear.weight": lm["lm_head.weight"][: vocab - 1],
    }
    for k in range(config.num_codebooks):
        start = vocab + k * codebook_vocab
        out[f"emb.{k}.weight"] = table[start : start + codebook_vocab]
    out.update(layers_to_original(lm, config, source="model.layers", target="transformer.layers"))
    out = from_split_layout(out, layout)
    out.update(pause_head_tensors(extra_heads))
    return out
