"""Neural audio codecs as the codec check sees them: audio in, the same audio after encode + decode.

Mimi (transformers ``MimiModel``) is loaded by hub id or local folder; a CSM or Moshi checkpoint is
also accepted, and its own Mimi (``codec_model`` / ``audio_encoder``) is used, so "the model's codec"
is checked with the exact weights the model was trained with.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from voxtune.errors import InputError


class AudioCodec(Protocol):
    """Anything that round-trips mono float audio at its own ``sample_rate``."""

    name: str
    sample_rate: int
    bitrate_bps: float | None

    def roundtrip(self, samples: np.ndarray) -> np.ndarray: ...


class MimiCodec:
    """A transformers Mimi at ``num_quantizers`` codebooks (the bitrate; default: all of them)."""

    def __init__(self, model: Any, name: str, num_quantizers: int | None = None):
        config = model.config
        total = int(config.num_quantizers)
        if num_quantizers is not None and not 1 <= num_quantizers <= total:
            raise InputError(f"this Mimi has {total} codebooks; cannot use {num_quantizers}")
        self.model = model.eval()
        self.num_quantizers = num_quantizers or total
        self.sample_rate = int(config.sampling_rate)
        self.frame_rate = float(config.frame_rate)
        bits = math.log2(int(config.codebook_size))
        self.bitrate_bps = self.frame_rate * self.num_quantizers * bits
        self.name = f"{name} ({self.num_quantizers} codebooks, {self.bitrate_bps / 1000:.2f} kbps)"

    @torch.no_grad()
    def roundtrip(self, samples: np.ndarray) -> np.ndarray:
        from voxtune.models import mimi

        codes = mimi.encode(self.model, np.asarray(samples, dtype=np.float32), self.num_quantizers)
        return mimi.decode(self.model, codes)


def load_codec(reference: str | Path, *, num_quantizers: int | None = None, device: str = "cpu") -> MimiCodec:
    """The Mimi of ``reference`` (a Mimi, CSM or Moshi hub id or folder), loaded on ``device``."""
    from voxtune.models.source import resolve_model

    source, config = resolve_model(reference)
    where = str(source.local_path) if source.local_path is not None else source.reference
    model_type = str(config.get("model_type", ""))
    try:
        if model_type == "mimi":
            from transformers import MimiModel

            model = MimiModel.from_pretrained(where)
        elif model_type == "csm":
            from transformers import CsmForConditionalGeneration

            model = CsmForConditionalGeneration.from_pretrained(where).codec_model
        elif model_type == "moshi":
            from transformers import MoshiForConditionalGeneration

            model = MoshiForConditionalGeneration.from_pretrained(where).audio_encoder
        else:
            raise InputError(
                f"'{reference}' is a '{model_type or 'unknown'}' model; the codec check needs a Mimi "
                "(or a CSM / Moshi model holding one)",
                path=source.local_path,
                hint="Use kyutai/mimi, or the folder of the model whose codec you want to check",
            )
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot load the codec from '{reference}': {exc}", path=source.local_path) from None
    return MimiCodec(model.to(device), str(reference), num_quantizers)
