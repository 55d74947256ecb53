"""Kyutai STT training and transcription settings: the ``family:`` block of a training config."""

from __future__ import annotations

from pydantic import Field

from voxtune.models.base import FamilySettings


class SttSettings(FamilySettings):
    text_delay_seconds: float | None = Field(None, ge=0.0)
    """How long after a word is said its tokens are written; default: the model's own
    (``audio_delay_seconds`` in preprocessor_config.json: 0.5 s for stt-1b-en_fr, 2.5 s for stt-2.6b-en)."""
    silence_before_seconds: float | None = Field(None, ge=0.0)
    """Silence put before each item's audio; default: the model's ``audio_silence_prefix_seconds``."""
    tail_seconds: float = Field(1.0, ge=0.0)
    """Silence after each item beyond the text delay, as transformers' feature extractor adds, so the
    last word's tokens fit and the model learns to stay silent after the speech."""
    text_padding_weight: float = Field(0.5, ge=0.0)
    """Loss weight of padding and end-of-padding targets (moshi-finetune's ``text_padding_weight``):
    most frames are padding, and at full weight they swamp the words."""
    pad_id: int | None = Field(None, ge=0)
    """Text padding token; default: the model config's ``pad_token_id`` (3 in Kyutai's models)."""
    end_of_padding_id: int = Field(0, ge=0)
    """Token marking the last padding frame before a word (0 in Kyutai's models)."""
    max_positions: int | None = Field(None, gt=0)
    """Longest item in frames (12.5 per second); default: the model's ``max_position_embeddings``.
    Longer items are split at word boundaries."""
