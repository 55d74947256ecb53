"""Kokoro's time grid, read from its config: how many audio samples one duration frame and one F0 frame
span, and how long an input may be.

From the code of the ``kokoro`` package (``istftnet.py``, ``modules.py``):

* the decoder's generator upsamples by ``prod(istftnet.upsample_rates)`` and its inverse STFT by
  ``gen_istft_hop_size`` (10 x 6 x 5 = 300 for Kokoro-82M), and it takes F0 (``f0_upsamp``) and its
  input at that rate: one **F0/noise frame = 300 samples** (80 per second at 24 kHz);
* the prosody predictor's F0/noise blocks upsample the aligned text features by 2 once
  (``AdainResBlk1d(..., upsample=True)``), and the decoder downsamples F0/noise by 2 (``F0_conv``
  stride 2) before upsampling by 2 again: one **duration frame = 2 F0 frames = 600 samples**
  (40 per second; ``KPipeline.join_timestamps`` says the same: "multiply by 600");
* ALBERT's ``max_position_embeddings`` (512) caps the input at 510 phonemes plus the two pad tokens
  Kokoro wraps them in, which is also the number of rows of a voice pack.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SAMPLE_RATE = 24_000
"""Kokoro's output rate; its harmonic source (``SourceModuleHnNSF``) is built for 24 kHz."""
PAD_TOKENS = 2
"""Kokoro wraps every input in a pad token (id 0) at either end."""
STYLE_SPLIT = 128
"""``ref_s[:, :128]`` conditions the decoder (timbre), ``ref_s[:, 128:]`` the predictor (prosody);
``KModel.forward_with_tokens`` hard-codes the split."""


@dataclass(frozen=True)
class KokoroGeometry:
    """Frame sizes and limits of one Kokoro config."""

    sample_rate: int
    f0_hop: int
    """Samples per F0 / noise frame (300 for Kokoro-82M)."""
    duration_hop: int
    """Samples per duration frame, the unit of the predicted durations (600 for Kokoro-82M)."""
    context_length: int
    """Tokens ALBERT takes, pads included (512)."""
    max_duration: int
    """Durations the predictor can express per token (``max_dur``, 50 frames)."""
    style_dim: int

    @property
    def max_phonemes(self) -> int:
        """Phoneme symbols one input may hold (510): the context minus the two pads."""
        return self.context_length - PAD_TOKENS

    @property
    def voice_rows(self) -> int:
        """Rows of a voice pack: one per possible phoneme count (510)."""
        return self.max_phonemes

    @property
    def f0_per_duration_frame(self) -> int:
        return self.duration_hop // self.f0_hop

    def frames_for_samples(self, samples: int) -> int:
        """Duration frames covering ``samples`` (rounded to the nearest frame, at least one)."""
        return max(1, math.floor(samples / self.duration_hop + 0.5))


def geometry_from_config(config: Mapping[str, Any], sample_rate: int = SAMPLE_RATE) -> KokoroGeometry:
    """The time grid of a Kokoro ``config.json`` (the module docstring says where each number comes from)."""
    istftnet = config["istftnet"]
    f0_hop = math.prod(int(rate) for rate in istftnet["upsample_rates"]) * int(istftnet["gen_istft_hop_size"])
    return KokoroGeometry(
        sample_rate=sample_rate,
        f0_hop=f0_hop,
        duration_hop=2 * f0_hop,
        context_length=int(config["plbert"]["max_position_embeddings"]),
        max_duration=int(config["max_dur"]),
        style_dim=int(config["style_dim"]),
    )
