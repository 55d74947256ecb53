"""Tiny random wav2vec2 CTC models saved with their processor, for aligner and stage tests."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import (
    Wav2Vec2Config,
    Wav2Vec2CTCTokenizer,
    Wav2Vec2FeatureExtractor,
    Wav2Vec2ForCTC,
    Wav2Vec2Processor,
)

SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]
LETTERS = ["|", *"abcdefghijklmnopqrstuvwxyz'"]


def save_tiny_ctc_model(
    folder: Path, tokens: list[str], tokenizer_class: type = Wav2Vec2CTCTokenizer, *, layers: int = 1
) -> Path:
    """A random wav2vec2 CTC model with the given vocabulary, saved with its processor."""
    vocab = {token: index for index, token in enumerate(dict.fromkeys(SPECIALS + tokens))}
    folder.mkdir(parents=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = tokenizer_class(str(folder / "vocab.json"))
    features = Wav2Vec2FeatureExtractor(
        feature_size=1,
        sampling_rate=16000,
        padding_value=0.0,
        do_normalize=True,
        return_attention_mask=True,
    )
    torch.manual_seed(0)
    config = Wav2Vec2Config(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        conv_dim=(8,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        feat_extract_norm="layer",
        do_stable_layer_norm=True,
        pad_token_id=vocab["<pad>"],
    )
    Wav2Vec2ForCTC(config).save_pretrained(folder)
    Wav2Vec2Processor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(folder)
    return folder
