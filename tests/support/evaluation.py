"""Helpers for the evaluation tests: synthetic tones and tiny random transformers models."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas")


def harmonic_tone(f0_hz: np.ndarray, sample_rate: int, harmonics: int = 15) -> np.ndarray:
    """A band-limited harmonic signal following the per-sample F0 contour ``f0_hz``."""
    phase = 2.0 * np.pi * np.cumsum(f0_hz) / sample_rate
    top = float(np.max(f0_hz))
    parts = [np.sin(k * phase) / k for k in range(1, harmonics + 1) if k * top < sample_rate / 2]
    return (0.3 * np.sum(parts, axis=0)).astype(np.float32)


def save_tiny_xvector(folder: Path, seed: int = 0) -> Path:
    """A random 1-layer WavLM x-vector model and feature extractor, saved with save_pretrained."""
    import torch
    from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForXVector

    torch.manual_seed(seed)
    config = WavLMConfig(
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        conv_dim=(8, 8),
        conv_stride=(5, 4),
        conv_kernel=(10, 4),
        num_conv_pos_embeddings=8,
        num_conv_pos_embedding_groups=2,
        num_buckets=16,
        max_bucket_distance=32,
        tdnn_dim=(16, 16, 16),
        tdnn_kernel=(3, 3, 1),
        tdnn_dilation=(1, 2, 1),
        xvector_output_dim=12,
    )
    WavLMForXVector(config).save_pretrained(folder)
    Wav2Vec2FeatureExtractor(sampling_rate=16000, return_attention_mask=True).save_pretrained(folder)
    return folder
