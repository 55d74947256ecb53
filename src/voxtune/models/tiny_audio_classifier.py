"""A tiny random audio classifier (wav2vec2 sequence classification) saved like a hub checkpoint.

Stands in for language-ID and emotion models in tests and the demo: it loads through the same
``from_pretrained`` path a hub id takes, and its predictions are random.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def build_tiny_audio_classifier(
    folder: str | Path, labels: Sequence[str], *, seed: int = 0, hidden: int = 16
) -> Path:
    """Write a two-layer ``Wav2Vec2ForSequenceClassification`` over ``labels`` and its 16 kHz feature
    extractor into ``folder`` and return it."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForSequenceClassification

    folder = Path(folder)
    config = Wav2Vec2Config(
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        conv_dim=(hidden, hidden),
        conv_kernel=(10, 8),
        conv_stride=(5, 4),
        num_feat_extract_layers=2,
        feat_extract_norm="layer",
        do_stable_layer_norm=True,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        classifier_proj_size=8,
        id2label=dict(enumerate(labels)),
        label2id={label: index for index, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = Wav2Vec2ForSequenceClassification(config).eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    Wav2Vec2FeatureExtractor(
        feature_size=1, sampling_rate=16_000, padding_value=0.0, do_normalize=True, return_attention_mask=True
    ).save_pretrained(folder)
    return folder
