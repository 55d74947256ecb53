"""Streaming speech-to-speech with Moshi: the user's audio in, the model's text and audio out, step by step.

Each step feeds the previous step's delayed streams through the temporal transformer (with its cache),
samples the text token, then runs the depth transformer codebook by codebook to sample the model's
audio tokens; the user's streams come from the given audio. Steps still inside a stream's delay or the
control prefix keep their forced values (start tokens, control tokens). This is moshi's ``LMGen``
loop written against transformers' modules, so the same code runs a base model or a LoRA-adapted one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from transformers import DynamicCache

from voxtune.models.csm.loss import unwrap
from voxtune.models.moshi.loss import depth_logits, input_embeddings
from voxtune.models.moshi.sequence import stream_delays


@dataclass(frozen=True)
class Sampling:
    text_temperature: float
    audio_temperature: float
    text_top_k: int
    audio_top_k: int


def sample(logits: torch.Tensor, temperature: float, top_k: int, generator: torch.Generator) -> int:
    """One token from ``logits`` ``[vocab]``: greedy at temperature 0, else top-k sampling."""
    if temperature <= 0:
        return int(logits.argmax())
    values, indices = logits.float().topk(min(top_k, logits.shape[-1]))
    probs = torch.softmax(values / temperature, dim=-1)
    return int(indices[torch.multinomial(probs.cpu(), 1, generator=generator)])


@torch.no_grad()
def converse(
    model: torch.nn.Module,
    user_codes: np.ndarray,
    *,
    prefix: Sequence[int],
    acoustic_delay: int,
    text_start: int,
    audio_start: int,
    sampling: Sampling,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The model's text stream ``(T,)`` and audio codes ``(K, T)`` answering ``user_codes`` ``(K, T)``."""
    core = unwrap(model)
    device = next(core.parameters()).device
    codebooks, frames = user_codes.shape
    size = len(prefix)
    delays = stream_delays(codebooks, acoustic_delay)
    steps = size + frames + max(delays)
    delayed = np.zeros((1 + 2 * codebooks, steps), dtype=np.int64)
    forced = np.zeros_like(delayed, dtype=bool)
    for k, delay in enumerate(delays):
        start = text_start if k == 0 else audio_start
        delayed[k, :delay], forced[k, :delay] = start, True
        if k == 0:
            delayed[k, delay : delay + size], forced[k, delay : delay + size] = prefix, True
        else:
            delayed[k, delay : delay + size], forced[k, delay : delay + size] = audio_start, True
        if k > codebooks:  # the user's streams are known
            user = user_codes[k - 1 - codebooks]
            delayed[k, delay + size : delay + size + frames] = user
            delayed[k, delay + size + frames :] = audio_start
            forced[k] = True
    generator = torch.Generator().manual_seed(seed)
    cache = DynamicCache(config=core.config)
    previous = torch.tensor([text_start] + [audio_start] * (2 * codebooks), device=device)
    for step in range(steps):
        embeds = input_embeddings(core, previous[None, None, :])
        hidden = core.decoder.model(
            inputs_embeds=embeds, past_key_values=cache, use_cache=True
        ).last_hidden_state
        state = hidden[:, -1]
        if not forced[0, step]:
            delayed[0, step] = sample(
                core.decoder.lm_head(state)[0], sampling.text_temperature, sampling.text_top_k, generator
            )
        tokens = [int(delayed[0, step])]
        for k in range(codebooks):
            if not forced[1 + k, step]:
                logits = depth_logits(core, state, torch.tensor([tokens], device=device))[0, k]
                delayed[1 + k, step] = sample(
                    logits, sampling.audio_temperature, sampling.audio_top_k, generator
                )
            tokens.append(int(delayed[1 + k, step]))
        previous = torch.as_tensor(delayed[:, step], device=device)
    raw = np.stack([delayed[k, delay : delay + size + frames] for k, delay in enumerate(delays)])
    return raw[0, size:], raw[1 : 1 + codebooks, size:]
