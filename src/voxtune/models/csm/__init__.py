"""Sesame CSM-1B: text + Mimi audio codes, a Llama backbone and a depth decoder (transformers)."""

from voxtune.models.csm.family import CsmFamily, CsmItemEncoder
from voxtune.models.csm.settings import CsmSettings

__all__ = ["CsmFamily", "CsmItemEncoder", "CsmSettings"]
