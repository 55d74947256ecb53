"""The config kyutai's Rust server (``moshi-server``) needs to serve an STT checkpoint we export.

Field names and types are read off kyutai-labs/moshi ``rust/moshi-server/src/main.rs`` (``Config``,
``ModuleConfig::BatchedAsr``, ``AsrConfig``), ``rust/moshi-core/src/lm.rs`` (``Config``,
``ExtraHeadsConfig``) and ``rust/moshi-core/src/transformer.rs`` (``Config``); the fixed values
(gating, norm, RoPE, the ``max_seq_len`` of 40960, ``conditioning_learnt_padding``) are those of
kyutai's published STT server config (unmute's ``configs/stt.toml`` for ``kyutai/stt-1b-en_fr-candle``).
Every architecture number comes from the transformers config of the model being exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from voxtune.errors import ConfigError

MAX_SEQ_LEN = 40960
"""``max_seq_len`` of kyutai's published STT server config."""
ASR_PATH = "/api/asr-streaming"


def rust_dim_feedforward(hidden_size: int, ffn_dim: int) -> int:
    """Kyutai's ``dim_feedforward`` for a transformers ``ffn_dim`` (= 2 x the gating hidden size).

    transformer.rs makes the gating hidden size ``11 * d_model / 4`` when ``dim_feedforward == 4 *
    d_model`` and ``2 * dim_feedforward / 3`` otherwise; this inverts that.
    """
    hidden = ffn_dim // 2
    if 11 * hidden_size % 4 == 0 and hidden == 11 * hidden_size // 4:
        return 4 * hidden_size
    if (3 * hidden) % 2 == 0 and 2 * (3 * hidden // 2) // 3 == hidden:
        return 3 * hidden // 2
    raise ConfigError(
        f"no kyutai dim_feedforward gives a gating hidden size of {hidden} (ffn_dim {ffn_dim})",
        hint="The Rust server cannot build this MLP size; only odd hidden sizes are affected",
    )


def rust_transformer_config(config: Any) -> dict[str, Any]:
    """transformer.rs ``Config`` of the main transformer described by a transformers Kyutai/Moshi config."""
    heads = int(config.num_attention_heads)
    kv_heads = int(config.num_key_value_heads or heads)
    rope = getattr(config, "rope_parameters", None) or {}
    theta = rope.get("rope_theta", getattr(config, "rope_theta", 10000.0))
    return {
        "d_model": int(config.hidden_size),
        "num_heads": heads,
        "num_layers": int(config.num_hidden_layers),
        "dim_feedforward": rust_dim_feedforward(int(config.hidden_size), int(config.ffn_dim)),
        "causal": True,
        "norm_first": True,
        "bias_ff": False,
        "bias_attn": False,
        "context": int(config.sliding_window or config.max_position_embeddings),
        "max_period": int(theta),
        "use_conv_block": False,
        "use_conv_bias": True,
        "gating": "silu",
        "norm": "RmsNorm",
        "positional_embedding": "Rope",
        "conv_layout": False,
        "conv_kernel_size": 3,
        "kv_repeat": heads // kv_heads,
        "max_seq_len": MAX_SEQ_LEN,
    }


def stt_server_config(
    config: Any,
    *,
    lm_model_file: str | Path,
    text_tokenizer_file: str | Path,
    audio_tokenizer_file: str | Path,
    text_delay_seconds: float,
    frame_rate: float = 12.5,
    pause_heads: int = 0,
    pause_classes: int = 6,
    batch_size: int = 1,
) -> dict[str, Any]:
    """A complete ``moshi-server`` config (as nested dicts) serving the STT model of ``config``
    (``KyutaiSpeechToTextConfig``) at ``/api/asr-streaming``."""
    model: dict[str, Any] = {
        "audio_vocab_size": int(config.codebook_vocab_size),
        "text_in_vocab_size": int(config.vocab_size),
        "text_out_vocab_size": int(config.vocab_size) - 1,
        "audio_codebooks": int(config.num_codebooks),
        "transformer": rust_transformer_config(config),
    }
    if pause_heads:
        model["extra_heads"] = {"num_heads": int(pause_heads), "dim": int(pause_classes)}
    asr = {
        "path": ASR_PATH,
        "type": "BatchedAsr",
        "lm_model_file": str(lm_model_file),
        "text_tokenizer_file": str(text_tokenizer_file),
        "audio_tokenizer_file": str(audio_tokenizer_file),
        "asr_delay_in_tokens": round(text_delay_seconds * frame_rate),
        "batch_size": int(batch_size),
        "conditioning_learnt_padding": True,
        "model": model,
    }
    return {
        "static_dir": "./static/",
        "log_dir": "/tmp/moshi-server-logs",
        "instance_name": "stt",
        "authorized_ids": ["public_token"],
        "modules": {"asr": asr},
    }


def to_toml(data: Mapping[str, Any]) -> str:
    """TOML text for nested dicts of strings, numbers, booleans and lists of them (all this config uses)."""
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(lines: list[str], path: list[str], data: Mapping[str, Any]) -> None:
    scalars = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    if path and scalars:
        lines.append("")
        lines.append(f"[{'.'.join(path)}]")
    for key, value in scalars.items():
        lines.append(f"{key} = {_value(value)}")
    for key, value in tables.items():
        _table(lines, [*path, key], value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
