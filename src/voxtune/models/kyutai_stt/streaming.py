"""Streaming transcription with Kyutai STT: one audio frame in, one text token out, as kyutai's server.

Each step feeds the previous text token and the next audio frame (the first step: the text start token
and the audio start token) through the model with its key/value cache, takes the most likely text token
(greedy, like kyutai's ``temp_text = 0``) and, when the model has pause heads, the per-head pause
probabilities of the same post-norm state (what kyutai's Rust server streams to its clients as ``prs``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import torch
from transformers import DynamicCache

from voxtune.models.csm.loss import unwrap
from voxtune.models.kyutai.pause_heads import PauseHeads


@dataclass
class StreamedTranscript:
    """What a streaming run produced, one entry per step (step ``p`` has heard audio frames ``< p``).

    ``tokens`` ``(steps,)`` the text token of each step; ``pause`` ``(steps, heads)`` the pause
    probabilities (``None`` without pause heads); ``frame_rate`` steps per second of audio.
    """

    tokens: np.ndarray
    pause: np.ndarray | None
    frame_rate: float

    def step_times(self) -> np.ndarray:
        """Seconds of audio heard at each step (step ``p`` has heard ``p`` frames)."""
        return np.arange(len(self.tokens)) / self.frame_rate


@torch.no_grad()
def stream_transcribe(
    model: torch.nn.Module,
    codes: np.ndarray,
    *,
    bos_id: int,
    audio_bos_id: int,
    frame_rate: float,
    pause_heads: PauseHeads | None = None,
    forced_tokens: Collection[int] | None = None,
) -> StreamedTranscript:
    """Run the (possibly peft-wrapped) STT model over ``codes`` ``(codebooks, frames)`` step by step.

    ``forced_tokens`` (teacher forcing, for tests): feed these text tokens instead of the model's own.
    """
    core = unwrap(model)
    device = next(core.parameters()).device
    codes_t = torch.as_tensor(np.asarray(codes, dtype=np.int64), device=device)
    frames = codes_t.shape[1]
    cache = DynamicCache(config=core.config)
    text = torch.tensor([bos_id], device=device)
    audio = torch.full((codes_t.shape[0],), audio_bos_id, dtype=torch.long, device=device)
    forced = None if forced_tokens is None else list(forced_tokens)
    tokens: list[int] = []
    pauses: list[torch.Tensor] = []
    for step in range(frames):
        ids = torch.cat([text, audio])[None, None, :]
        out = core.model(input_ids=ids, past_key_values=cache, use_cache=True)
        hidden = out.last_hidden_state[:, -1]
        token = int(core.lm_head(hidden).argmax(-1))
        tokens.append(token)
        if pause_heads is not None:
            pauses.append(pause_heads.pause_probabilities(hidden.to(pause_heads.heads[0].weight.device))[0])
        text = torch.tensor([forced[step] if forced is not None else token], device=device)
        audio = codes_t[:, step]
    pause = torch.stack(pauses).float().cpu().numpy() if pauses else None
    return StreamedTranscript(np.asarray(tokens, dtype=np.int64), pause, frame_rate)
