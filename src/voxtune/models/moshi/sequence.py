"""Moshi training sequences: text + model + user streams with moshi's delays, and their batching.

Streams, in moshi's order: the model's inner-monologue text, its K audio codebooks, the user's K audio
codebooks. Each stream ``k`` is delayed by ``d_k`` frames (text and both semantic codebooks 0, acoustic
codebooks ``acoustic_delay``), the gap filled with the stream's start token (moshi ``_delay_sequence``).
Position ``p`` holds the delayed streams of step ``p - 1`` (position 0: every start token) and is
trained to predict step ``p``'s text and model audio (moshi ``LMModel.forward``). A target is scored
when its step is past the stream's delay and past the control prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from voxtune.models.base import Batch, Example


def stream_delays(num_codebooks: int, acoustic_delay: int) -> list[int]:
    """Delays of the ``1 + 2K`` streams: text 0, then per channel semantic 0, acoustic ``acoustic_delay``."""
    channel = [0] + [acoustic_delay] * (num_codebooks - 1)
    return [0, *channel, *channel]


def delay_streams(raw: np.ndarray, delays: Sequence[int], initial: Sequence[int]) -> np.ndarray:
    """``raw`` ``(streams, steps)`` with stream ``k`` shifted right by ``delays[k]`` (start tokens before)."""
    out = np.empty_like(raw)
    for k, (delay, start) in enumerate(zip(delays, initial, strict=True)):
        out[k, :delay] = start
        out[k, delay:] = raw[k, : raw.shape[1] - delay]
    return out


def undelay_streams(delayed: np.ndarray, delays: Sequence[int], steps: int) -> np.ndarray:
    """Inverse of :func:`delay_streams` for the first ``steps`` steps of each stream."""
    return np.stack([delayed[k, delay : delay + steps] for k, delay in enumerate(delays)])


def build_example(
    item_id: str,
    text: np.ndarray,
    model_codes: np.ndarray,
    user_codes: np.ndarray,
    *,
    prefix: Sequence[int],
    acoustic_delay: int,
    text_start: int,
    audio_start: int,
) -> Example:
    """The example of one dialogue: ``text`` ``(T,)``, codes ``(K, T)`` per channel, control ``prefix``.

    Tensors: ``inputs`` ``(P + T, 1 + 2K)``, ``targets`` ``(P + T, 1 + K)`` and ``scored`` (same shape).
    """
    codebooks, frames = model_codes.shape
    if user_codes.shape != model_codes.shape or len(text) != frames:
        raise ValueError(
            f"stream lengths differ: text {len(text)}, model {model_codes.shape}, user {user_codes.shape}"
        )
    size = len(prefix)
    raw = np.empty((1 + 2 * codebooks, size + frames), dtype=np.int64)
    raw[0, :size], raw[0, size:] = prefix, text
    raw[1:, :size] = audio_start
    raw[1 : 1 + codebooks, size:] = model_codes
    raw[1 + codebooks :, size:] = user_codes
    delays = stream_delays(codebooks, acoustic_delay)
    initial = [text_start] + [audio_start] * (2 * codebooks)
    delayed = delay_streams(raw, delays, initial)
    steps = np.arange(size + frames)
    scored = np.stack([steps - delay >= size for delay in delays[: 1 + codebooks]], axis=1)
    inputs = np.concatenate([np.asarray(initial, dtype=np.int64)[:, None], delayed[:, :-1]], axis=1).T
    tensors = {
        "inputs": torch.from_numpy(np.ascontiguousarray(inputs)),
        "targets": torch.from_numpy(np.ascontiguousarray(delayed[: 1 + codebooks].T)),
        "scored": torch.from_numpy(scored),
    }
    return Example(item_id, tensors, length=size + frames, targets=int(scored.sum()))


def collate(examples: Sequence[Example]) -> Batch:
    """Right-pad to the longest dialogue; padded positions are unscored and ``mask`` marks real ones."""
    if not examples:
        raise ValueError("cannot collate an empty batch")
    longest = max(e.length for e in examples)
    size = len(examples)
    streams = examples[0].tensors["inputs"].shape[1]
    scored_streams = examples[0].tensors["targets"].shape[1]
    inputs = torch.zeros(size, longest, streams, dtype=torch.long)
    targets = torch.zeros(size, longest, scored_streams, dtype=torch.long)
    scored = torch.zeros(size, longest, scored_streams, dtype=torch.bool)
    mask = torch.zeros(size, longest, dtype=torch.bool)
    for row, example in enumerate(examples):
        n, t = example.length, example.tensors
        inputs[row, :n], targets[row, :n], scored[row, :n], mask[row, :n] = (
            t["inputs"],
            t["targets"],
            t["scored"],
            True,
        )
    return Batch(
        {"inputs": inputs, "targets": targets, "scored": scored, "mask": mask},
        ids=[e.id for e in examples],
        positions=sum(e.length for e in examples),
        padded_positions=size * longest,
        targets=int(scored.sum()),
    )
