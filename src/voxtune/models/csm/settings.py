"""CSM training and generation settings: the ``family:`` block of a training config for CSM."""

from __future__ import annotations

from pydantic import Field

from voxtune.models.base import FamilySettings


class CsmSettings(FamilySettings):
    depth_decoder_ratio: float = Field(1.0, gt=0.0, le=1.0)
    """Fraction of target frames the depth decoder trains on each step ("compute amortisation";
    Sesame trained on 1/16). The backbone always sees every frame; evaluation uses every frame."""
    language_tag: bool = False
    """Prefix each text with ``<lang:xx>`` from the item's language (one adapter per language, or a
    multilingual adapter told which language to speak)."""
    speaker_ids: dict[str, int] = {}
    """Fixed CSM speaker ids (the ``[n]`` prefix) for corpus speakers; others get the next free ids."""
    default_speaker: int = Field(0, ge=0)
    """Speaker id for items without a speaker."""
    context_turns: int = Field(0, ge=0)
    """Earlier utterances of the same conversation (``cut.custom["conversation"]``) given as an
    unscored prompt before each item, as CSM is used in dialogue."""
    max_positions: int | None = Field(None, gt=0)
    """Longest sequence (text tokens + audio frames) per item; default: the model's context length.
    Longer items are split at word boundaries, or rejected when they have no word timings."""
    # generation
    temperature: float = Field(0.9, gt=0.0)
    top_k: int = Field(50, gt=0)
    max_seconds: float = Field(20.0, gt=0.0)
    """Hard cap on generated audio."""
    seconds_per_character: float = Field(0.12, gt=0.0)
    """Generation stops after ``1 s + this x characters`` when the model has not ended the audio
    itself, so an adapter that never emits end-of-audio cannot produce long silent tails."""
    trim_top_db: float = Field(40.0, gt=0.0)
    """Trailing audio quieter than the peak by this many dB is cut from generated audio."""
