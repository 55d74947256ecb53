"""Moshi speech-to-speech training and generation settings: the ``family:`` block of a training config."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from voxtune.models.base import FamilySettings

ControlField = Literal["speaker", "emotion"]


class MoshiSettings(FamilySettings):
    first_codebook_weight: float = Field(100.0, gt=0.0)
    """Loss weight of the first (semantic) codebook relative to the others
    (moshi-finetune's ``first_codebook_weight_multiplier``; its example config uses 100)."""
    text_padding_weight: float = Field(0.5, ge=0.0)
    """Loss weight of padding and end-of-padding text targets (moshi-finetune's ``text_padding_weight``)."""
    acoustic_delay: int = Field(1, ge=0)
    """Frames the acoustic codebooks (1..K-1) lag the semantic one, in both channels (Moshi 7B: 1)."""
    pad_id: int = Field(3, ge=0)
    """Text padding token (Kyutai's ``existing_text_padding_id``)."""
    end_of_padding_id: int = Field(0, ge=0)
    """Token marking the last padding frame before a word."""
    control: list[ControlField] = []
    """What the control prefix states before each dialogue: ``[speaker]`` for the voice stage,
    ``[speaker, emotion]`` for the emotion stage, empty (no prefix) for the language stage."""
    speaker_names: dict[str, str] = {}
    """Names the control prefix uses for corpus speakers (default: the speaker id itself)."""
    max_positions: int | None = Field(None, gt=0)
    """Longest item in frames (12.5 per second), prefix included; default: the model's
    ``max_position_embeddings``."""
    # generation
    text_temperature: float = Field(0.7, ge=0.0)
    audio_temperature: float = Field(0.8, ge=0.0)
    text_top_k: int = Field(25, gt=0)
    audio_top_k: int = Field(250, gt=0)
    """Sampling of generated text and audio tokens (moshi's ``LMGen`` defaults); 0 temperature: greedy."""
