"""CSM training sequences: text tokens and audio frames interleaved turn by turn, and their batching.

One position holds either a text token or one audio frame (all codebooks). Each turn is
``<bos>[speaker]text<eos>`` then its frames then an end-of-audio frame (all codes 0), as in Sesame's
generator. Only frames of scored turns (the item itself, not its context turns) carry a loss, with
a per-frame weight (e.g. frames inside a discourse particle up-weighted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from voxtune.models.base import Batch, Example

END_OF_AUDIO_CODE = 0


@dataclass
class Turn:
    """One utterance: its prompt token ids (with bos/eos), codes ``(frames, codebooks)``, whether
    its frames are scored, and optional per-frame loss weights."""

    text_ids: Sequence[int]
    codes: np.ndarray
    scored: bool
    frame_weights: np.ndarray | None = None


def turn_positions(text_tokens: int, frames: int) -> int:
    """Positions a turn takes: its text, its frames and the end-of-audio frame."""
    return text_tokens + frames + 1


def build_example(item_id: str, turns: Sequence[Turn], num_codebooks: int) -> Example:
    """Interleave the turns into one sequence of tensors (``text``, ``codes``, ``audio``, ``target``,
    ``weight``); positions without a meaning for a tensor hold 0 / False."""
    texts, codes, audio, target, weight = [], [], [], [], []
    for turn in turns:
        n_text = len(turn.text_ids)
        frames = np.asarray(turn.codes, dtype=np.int64).reshape(-1, num_codebooks)
        n_audio = len(frames) + 1
        texts.append(torch.tensor(list(turn.text_ids) + [0] * n_audio, dtype=torch.long))
        eos = np.full((1, num_codebooks), END_OF_AUDIO_CODE, dtype=np.int64)
        codes.append(
            torch.cat(
                [
                    torch.zeros(n_text, num_codebooks, dtype=torch.long),
                    torch.from_numpy(np.concatenate([frames, eos])),
                ]
            )
        )
        audio.append(torch.tensor([False] * n_text + [True] * n_audio))
        target.append(torch.tensor([False] * n_text + [turn.scored] * n_audio))
        w = np.ones(n_audio, dtype=np.float32)
        if turn.frame_weights is not None:
            w[: len(frames)] = turn.frame_weights[: len(frames)]
        weight.append(torch.cat([torch.zeros(n_text), torch.from_numpy(w) * float(turn.scored)]))
    tensors = {
        "text": torch.cat(texts),
        "codes": torch.cat(codes),
        "audio": torch.cat(audio),
        "target": torch.cat(target),
        "weight": torch.cat(weight).float(),
    }
    length = int(tensors["text"].shape[0])
    return Example(item_id, tensors, length=length, targets=int(tensors["target"].sum()))


def collate(examples: Sequence[Example]) -> Batch:
    """Right-pad examples to the longest; ``mask`` marks real positions."""
    if not examples:
        raise ValueError("cannot collate an empty batch")
    longest = max(e.length for e in examples)
    size = len(examples)
    num_codebooks = examples[0].tensors["codes"].shape[-1]
    text = torch.zeros(size, longest, dtype=torch.long)
    codes = torch.zeros(size, longest, num_codebooks, dtype=torch.long)
    audio = torch.zeros(size, longest, dtype=torch.bool)
    target = torch.zeros(size, longest, dtype=torch.bool)
    weight = torch.zeros(size, longest)
    mask = torch.zeros(size, longest, dtype=torch.bool)
    for row, example in enumerate(examples):
        n = example.length
        t = example.tensors
        text[row, :n], codes[row, :n], audio[row, :n] = t["text"], t["codes"], t["audio"]
        target[row, :n], weight[row, :n], mask[row, :n] = t["target"], t["weight"], True
    positions = sum(e.length for e in examples)
    return Batch(
        {"text": text, "codes": codes, "audio": audio, "target": target, "weight": weight, "mask": mask},
        ids=[e.id for e in examples],
        positions=positions,
        padded_positions=size * longest,
        targets=int(target.sum()),
    )


def frame_weights(frames: int, frame_rate: float, spans: Sequence[tuple[float, float, float]]) -> np.ndarray:
    """Per-frame weights: 1, or a span's weight for frames overlapping ``(start, end, weight)`` spans
    (seconds from the start of the audio; the largest weight wins where spans overlap)."""
    weights = np.ones(frames, dtype=np.float32)
    for start, end, value in spans:
        first = max(0, int(np.floor(start * frame_rate)))
        last = min(frames, int(np.ceil(end * frame_rate)))
        if last > first:
            weights[first:last] = np.maximum(weights[first:last], value)
    return weights
