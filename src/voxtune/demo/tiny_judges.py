"""A tiny random audio language-ID model for the demo's evaluation (no hub access is needed to run it).

It has the structure of a real one (a wav2vec2 sequence classifier with language labels, saved with
``save_pretrained`` and loaded by path through the same code as ``facebook/mms-lid-126``), so the demo's
confusion matrix exercises the real plumbing; its guesses are random.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from voxtune.corpus.manifest import read_json, write_json

MARKER = "voxtune_demo.json"


def build_demo_language_id(folder: Path, languages: Sequence[str], *, seed: int = 0) -> Path:
    """Write the model into ``folder`` unless the same labels and seed already did."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2ForSequenceClassification

    labels = sorted(languages)
    marker = folder / MARKER
    wanted = {"seed": seed, "labels": labels}
    if marker.is_file() and read_json(marker) == wanted:
        return folder
    torch.manual_seed(seed)
    config = Wav2Vec2Config(
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        conv_dim=(8, 8),
        conv_stride=(5, 4),
        conv_kernel=(10, 4),
        num_conv_pos_embeddings=8,
        num_conv_pos_embedding_groups=2,
        classifier_proj_size=8,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    Wav2Vec2ForSequenceClassification(config).save_pretrained(folder)
    Wav2Vec2FeatureExtractor(sampling_rate=16000, return_attention_mask=True).save_pretrained(folder)
    write_json(wanted, marker)
    return folder
