"""A tiny random Kokoro saved in Kokoro's own layout, for tests and the demo: it loads through the same
code as ``hexgrad/Kokoro-82M``. Kokoro's decoder is fixed at 512/1024 channels (``Decoder`` hard-codes
them) and its style at 128 + 128, so "tiny" still means about 59 M parameters: ALBERT, the text
encoder and the prosody predictor shrink, the decoder keeps one residual block per upsampling step."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from voxtune.models.kokoro.checkpoint import export_kokoro, random_kmodel
from voxtune.models.kokoro.voicepack import PACK_SHAPE, STYLE_SIZE
from voxtune.text.g2p import kokoro_vocab

DURATION_BIAS = -3.0
"""Initial bias of the duration logits: sigmoid(-3) x 50 logits ~ 2.4 frames per token."""

KOKORO_82M_ISTFTNET = {
    "upsample_kernel_sizes": [20, 12],
    "upsample_rates": [10, 6],
    "gen_istft_hop_size": 5,
    "gen_istft_n_fft": 20,
    "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    "resblock_kernel_sizes": [3, 7, 11],
    "upsample_initial_channel": 512,
}


def tiny_kokoro_config() -> dict[str, Any]:
    """Kokoro-82M's config with a 1-layer, 64-wide ALBERT, 1-layer predictor and a lighter decoder."""
    return {
        "istftnet": {
            **KOKORO_82M_ISTFTNET,
            "resblock_kernel_sizes": [3],
            "resblock_dilation_sizes": [[1, 3, 5]],
        },
        "dim_in": 64,
        "dropout": 0.2,
        "hidden_dim": 512,
        "max_conv_dim": 512,
        "max_dur": 50,
        "multispeaker": True,
        "n_layer": 1,
        "n_mels": 80,
        "n_token": 178,
        "style_dim": 128,
        "text_encoder_kernel_size": 5,
        "plbert": {
            "hidden_size": 64,
            "num_attention_heads": 2,
            "intermediate_size": 128,
            "max_position_embeddings": 512,
            "num_hidden_layers": 1,
            "dropout": 0.1,
        },
        "vocab": dict(kokoro_vocab()),
    }


def random_voice_pack(generator: torch.Generator) -> torch.Tensor:
    """A voice pack whose rows vary smoothly around one random style, like real packs."""
    center = 0.3 * torch.randn(STYLE_SIZE, generator=generator)
    drift = 0.05 * torch.randn(2, STYLE_SIZE, generator=generator)
    t = torch.linspace(0, 1, PACK_SHAPE[0]).unsqueeze(1)
    return (center + (1 - t) * drift[0] + t * drift[1]).reshape(PACK_SHAPE)


def build_tiny_kokoro(folder: str | Path, *, seed: int = 0, voices: Sequence[str] = ("tiny_voice",)) -> Path:
    """Write a tiny random Kokoro (config.json, kokoro-v1_0.pth, voices/<name>.pt) to ``folder``."""
    torch.manual_seed(seed)
    config = tiny_kokoro_config()
    kmodel = random_kmodel(config)
    with torch.no_grad():  # ~2.4 frames (60 ms) per token, as speech has, not 25 (random logits)
        kmodel.predictor.duration_proj.linear_layer.bias.fill_(DURATION_BIAS)
    generator = torch.Generator().manual_seed(seed)
    packs = {name: random_voice_pack(generator) for name in voices}
    return export_kokoro(kmodel, config, folder, packs)
