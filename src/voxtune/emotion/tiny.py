"""A tiny random speech-emotion classifier saved like a hub checkpoint, for tests and the demo.

A two-layer ``Wav2Vec2ForSequenceClassification`` with IEMOCAP-style labels (``neu``, ``hap``,
``ang``, ``sad``, as superb's emotion models name them) and its feature extractor, written with
``save_pretrained`` so it loads through the path a hub id takes. Its predictions are random.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

TINY_LABELS: tuple[str, ...] = ("neu", "hap", "ang", "sad")


def build_tiny_emotion_classifier(
    folder: str | Path, *, labels: Sequence[str] = TINY_LABELS, seed: int = 0, hidden: int = 32
) -> Path:
    """Write the tiny classifier and its feature extractor into ``folder`` and return it."""
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
        classifier_proj_size=16,
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
