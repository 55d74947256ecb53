"""Codec round-trip check: what a model's audio codec keeps of a language (``voxtune evaluate codec``).

``codecs`` loads the codec (Mimi, or the one inside a CSM / Moshi model), ``measures`` holds the pure
signal measures (delay, log-spectral distance, the energy-dip stød proxy), ``check`` runs them over
corpus items and flags languages.
"""

from __future__ import annotations

from voxtune.evaluate.codec.check import (
    CodecCheckConfig,
    CodecCheckResult,
    CodecItem,
    CodecThresholds,
    check_codec,
    run_codec_check,
)
from voxtune.evaluate.codec.codecs import AudioCodec, MimiCodec, load_codec

__all__ = [
    "AudioCodec",
    "CodecCheckConfig",
    "CodecCheckResult",
    "CodecItem",
    "CodecThresholds",
    "MimiCodec",
    "check_codec",
    "load_codec",
    "run_codec_check",
]
