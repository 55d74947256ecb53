"""A tiny random Moshi (tiny Mimi, tiny sentencepiece tokenizer) saved like a hub model, for tests and
the demo: ``MoshiFamily.load(folder)`` reads it with the code that reads ``kmhf/hf-moshiko``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import MoshiConfig, MoshiForConditionalGeneration

from voxtune.models import mimi
from voxtune.models.csm.tiny import HEAD_STD
from voxtune.models.kyutai.spm_tokenizer import SPM_FILE, fast_tokenizer, train_sentencepiece


def tiny_moshi_config(
    text_card: int, *, codebook_size: int = 32, num_codebooks: int = 4, max_positions: int = 1024
) -> MoshiConfig:
    """A Moshi config with the real model's structure (text card + 1 embedding rows, the last the start
    token; a depth transformer over K codebooks) at a size that trains in seconds on a CPU."""
    return MoshiConfig(
        vocab_size=text_card,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        ffn_dim=128,
        num_codebooks=num_codebooks,
        audio_vocab_size=codebook_size,
        max_position_embeddings=max_positions,
        sliding_window=max_positions,
        audio_encoder_config=mimi.tiny_mimi_config(
            codebook_size=codebook_size, num_quantizers=num_codebooks
        ).to_dict(),
        depth_decoder_config={
            "hidden_size": 32,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "ffn_dim": 64,
            "max_position_embeddings": num_codebooks + 1,
            "sliding_window": num_codebooks + 1,
        },
    )


def build_tiny_moshi(
    folder: str | Path,
    texts: Sequence[str],
    *,
    audio: Iterable[np.ndarray] = (),
    seed: int = 0,
    codebook_size: int = 32,
    num_codebooks: int = 4,
    vocab_size: int = 96,
) -> Path:
    """Write a tiny Moshi to ``folder``: weights, config, tokenizer (sentencepiece and transformers).

    The codec is made informative as for the tiny CSM (see models.mimi), fitted on ``audio`` (24 kHz
    mono clips of the speech it will hear).
    """
    clips = [np.asarray(a, dtype=np.float32).reshape(-1) for a in audio]
    if not clips:
        raise ValueError("a tiny Moshi needs some audio to fit its codec on")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    spm_model = train_sentencepiece(texts, vocab_size=vocab_size)
    tokenizer = fast_tokenizer(spm_model)
    torch.manual_seed(seed)
    config = tiny_moshi_config(len(tokenizer), codebook_size=codebook_size, num_codebooks=num_codebooks)
    model = MoshiForConditionalGeneration(config).eval()
    with torch.no_grad():
        model.decoder.lm_head.weight.normal_(0.0, HEAD_STD)
        # transformers draws the per-codebook (3-d) depth weights with std 1: scale them like a Linear's
        for param in model.depth_decoder.parameters():
            if param.dim() == 3:
                param.normal_(0.0, param.shape[-1] ** -0.5)
        model.depth_decoder.lm_heads.weight.normal_(0.0, HEAD_STD)
    mimi.make_envelope_encoder(model.audio_encoder, seed=seed)
    mimi.fit_codebooks(model.audio_encoder, clips, seed=seed)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / SPM_FILE).write_bytes(spm_model)
    return folder
