"""Kyutai STT training sequences: audio frames in, the per-frame text stream out, and their batching.

Position ``p`` of a sequence holds the text token of frame ``p - 1`` and the audio codes of frame
``p - 1`` (position 0: the text start token and the audio start token), and is trained to predict the
text token of frame ``p``: moshi's ``LMModel.forward`` (initial token prepended, last step dropped),
and what transformers' ``generate`` feeds the model (bos, then one audio frame per step).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from voxtune.models.base import Batch, Example

IGNORE = -100


def build_example(
    item_id: str, codes: np.ndarray, stream: np.ndarray, *, bos_id: int, audio_bos_id: int
) -> Example:
    """The example of one item: ``codes`` ``(codebooks, frames)`` and the text ``stream`` ``(frames,)``."""
    codes = np.asarray(codes, dtype=np.int64)
    frames = codes.shape[1]
    if len(stream) != frames:
        raise ValueError(f"text stream has {len(stream)} frames, audio {frames}")
    target = torch.as_tensor(np.asarray(stream, dtype=np.int64))
    text_in = torch.cat([torch.tensor([bos_id]), target[:-1]])
    audio = torch.from_numpy(codes.T.copy())
    audio_in = torch.cat([torch.full((1, codes.shape[0]), audio_bos_id, dtype=torch.long), audio[:-1]])
    return Example(item_id, {"text_in": text_in, "audio_in": audio_in, "target": target}, frames, frames)


def collate(examples: Sequence[Example], *, text_pad_id: int, audio_pad_id: int) -> Batch:
    """Right-pad to the longest item; padded targets are ``IGNORE`` and ``mask`` marks real frames."""
    if not examples:
        raise ValueError("cannot collate an empty batch")
    longest = max(e.length for e in examples)
    size = len(examples)
    codebooks = examples[0].tensors["audio_in"].shape[1]
    text_in = torch.full((size, longest), text_pad_id, dtype=torch.long)
    audio_in = torch.full((size, longest, codebooks), audio_pad_id, dtype=torch.long)
    target = torch.full((size, longest), IGNORE, dtype=torch.long)
    mask = torch.zeros(size, longest, dtype=torch.bool)
    for row, example in enumerate(examples):
        n, t = example.length, example.tensors
        text_in[row, :n], audio_in[row, :n], target[row, :n], mask[row, :n] = (
            t["text_in"],
            t["audio_in"],
            t["target"],
            True,
        )
    positions = sum(e.length for e in examples)
    return Batch(
        {"text_in": text_in, "audio_in": audio_in, "target": target, "mask": mask},
        ids=[e.id for e in examples],
        positions=positions,
        padded_positions=size * longest,
        targets=positions,
    )
