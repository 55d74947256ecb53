"""Kokoro training and generation settings: the ``family:`` block of a training config for Kokoro.

Run-level settings (``new_symbols``, ``symbol_map``, ``voice_init``, ``voice_anchors``, ``voice_names``)
shape the model once, before training; the others may change from stage to stage (``freeze``,
``teacher_f0``, ``decoder_window``, ``adversarial``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from voxtune.models.base import FamilySettings
from voxtune.models.kokoro.trainable import FreezeGroup


class KokoroSettings(FamilySettings):
    # text
    duration_source: Literal["phonemes", "words"] = "phonemes"
    """Where teacher durations come from: the align stage's phoneme timings (``level: phonemes``), or
    word timings spread evenly over each word's phonemes (approximate; corpora without a phoneme
    aligner, such as the synthetic demo)."""
    punctuation: bool = True
    """Keep punctuation after words as Kokoro tokens (they carry pauses and phrase intonation)."""
    language: str | None = None
    """Language of generation requests that name none (default: each request's own)."""
    new_symbols: Literal["nearest", "new_rows"] = "nearest"
    """Symbols Kokoro lacks: read as the nearest Kokoro symbol (a documented table), or given new
    embedding rows (starting as that symbol's) that train."""
    symbol_map: dict[str, str] = {}
    """More nearest-symbol entries or overrides of the built-in table (symbol -> Kokoro symbol; '' drops)."""
    # voices
    voice_init: str | None = None
    """Voice every speaker's table starts from: a voice of the base model (``am_michael``) or a .pt
    file; default: the mean of the voices in the model folder."""
    voice_anchors: int = Field(32, ge=2, le=510)
    """Anchor rows of each trainable voice table (510: one free row per phoneme count)."""
    voice_names: dict[str, str] = {}
    """Exported voice name of corpus speakers (``{spk0001: lb_max}``); default: the speaker's name."""
    # training
    freeze: list[FreezeGroup] = []
    """Components trained in this stage's forward without gradients (e.g. ``[bert, text_encoder]``
    first, then ``[]`` to unfreeze)."""
    teacher_f0: bool = True
    """Decode from the target F0 and energy curves (early stages) instead of the predicted ones."""
    decoder_window: int = Field(120, ge=4)
    """Duration frames (25 ms each) of audio decoded per item and step: the decoder's memory and time."""
    f0_method: Literal["dio", "harvest"] = "dio"
    adversarial: bool = False
    """Also train against multi-period and multi-resolution discriminators (HiFi-GAN style)."""
    discriminator_lr: float = Field(2e-4, gt=0)
    # generation
    speed: float = Field(1.0, gt=0)
    max_seconds: float = Field(30.0, gt=0)
    """Cap on generated audio per request (a barely trained model may ask for far more)."""

    @field_validator("symbol_map")
    @classmethod
    def _single_characters(cls, value: dict[str, str]) -> dict[str, str]:
        for symbol, nearest in value.items():
            if len(symbol) != 1 or len(nearest) > 1:
                raise ValueError(f"symbol_map maps single characters to one character or '': {symbol!r}")
        return value
