"""moshi-server config: kyutai's published STT 1B server config is reproduced from its transformers config."""

from __future__ import annotations

import pytest
import tomllib
from transformers import KyutaiSpeechToTextConfig

from voxtune.errors import ConfigError
from voxtune.models.kyutai.rust_server import rust_dim_feedforward, stt_server_config, to_toml


def stt_1b_config() -> KyutaiSpeechToTextConfig:
    """The architecture of kyutai/stt-1b-en_fr (its published server config and moshi config)."""
    return KyutaiSpeechToTextConfig(
        vocab_size=8001,
        codebook_vocab_size=2049,
        num_codebooks=32,
        hidden_size=2048,
        num_hidden_layers=16,
        num_attention_heads=16,
        ffn_dim=11264,
        sliding_window=750,
        max_position_embeddings=750,
        rope_parameters={"rope_type": "default", "rope_theta": 100000.0},
        bos_token_id=8000,
        audio_bos_token_id=2048,
        audio_pad_token_id=8001 + 32 * 2049,
        codec_config={"model_type": "mimi"},
    )


def test_dim_feedforward_inverts_the_rust_gating_size():
    # kyutai's published config: d_model 2048, dim_feedforward 8192 <-> transformers ffn_dim 11264
    assert rust_dim_feedforward(2048, 11264) == 8192
    # Moshi 7B: gating hidden 11264 = 11 * 4096 / 4, which lm.rs's v0_1 config writes as 4 * 4096
    assert rust_dim_feedforward(4096, 22528) == 16384
    for d, ffn in ((64, 96), (64, 128), (1024, 5632)):
        dim_ff = rust_dim_feedforward(d, ffn)
        hidden = 11 * d // 4 if dim_ff == 4 * d else 2 * dim_ff // 3
        assert 2 * hidden == ffn
    with pytest.raises(ConfigError):
        rust_dim_feedforward(64, 2 * 7)  # a gating size of 7: 2 * dim_ff / 3 never gives 7


def test_the_stt_1b_server_config_matches_kyutais_published_one():
    server = stt_server_config(
        stt_1b_config(),
        lm_model_file="model.safetensors",
        text_tokenizer_file="tok.model",
        audio_tokenizer_file="mimi.safetensors",
        text_delay_seconds=0.5,
        pause_heads=4,
    )
    asr = server["modules"]["asr"]
    assert asr["type"] == "BatchedAsr" and asr["path"] == "/api/asr-streaming"
    assert asr["asr_delay_in_tokens"] == 6
    model = asr["model"]
    assert (model["audio_vocab_size"], model["text_in_vocab_size"], model["text_out_vocab_size"]) == (
        2049,
        8001,
        8000,
    )
    assert model["extra_heads"] == {"num_heads": 4, "dim": 6}
    published = {
        "d_model": 2048,
        "num_heads": 16,
        "num_layers": 16,
        "dim_feedforward": 8192,
        "causal": True,
        "norm_first": True,
        "bias_ff": False,
        "bias_attn": False,
        "context": 750,
        "max_period": 100000,
        "use_conv_block": False,
        "use_conv_bias": True,
        "gating": "silu",
        "norm": "RmsNorm",
        "positional_embedding": "Rope",
        "conv_layout": False,
        "conv_kernel_size": 3,
        "kv_repeat": 1,
        "max_seq_len": 40960,
    }
    assert model["transformer"] == published


def test_toml_text_reads_back_as_the_same_config():
    server = stt_server_config(
        stt_1b_config(),
        lm_model_file='C:\\weights\\"x".safetensors',
        text_tokenizer_file="tok.model",
        audio_tokenizer_file="hf://kyutai/x/mimi.safetensors",
        text_delay_seconds=2.5,
    )
    assert tomllib.loads(to_toml(server)) == server
    assert "extra_heads" not in server["modules"]["asr"]["model"]
