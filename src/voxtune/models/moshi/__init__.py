"""Moshi 7B speech-to-speech: dialogue streams with delays, inner monologue, control prefix, generation."""

from voxtune.models.moshi.family import MoshiFamily, MoshiItemEncoder, stream_entropy
from voxtune.models.moshi.settings import MoshiSettings

__all__ = ["MoshiFamily", "MoshiItemEncoder", "MoshiSettings", "stream_entropy"]
