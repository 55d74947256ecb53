"""File names voxtune adds to a transformers-format Kyutai STT folder."""

from __future__ import annotations

PAUSE_HEADS_FILE = "pause_heads.safetensors"
"""The pause heads (``extra_heads.{i}.weight``, kyutai's names), which transformers' class has no place
for; written beside the transformers weights by the tiny builder, merges and original-checkpoint imports."""
