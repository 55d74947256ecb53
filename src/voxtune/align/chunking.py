"""CTC emissions for long audio: the model runs on overlapping windows, the frames are stitched.

A frame model built from unpadded strided convolutions (the wav2vec2 family's feature encoder) maps
frame ``i`` to samples ``[i * stride, i * stride + receptive_field)``. Windows therefore start on a
frame boundary, so a window's frame ``k`` *is* global frame ``window_start / stride + k``; each
window keeps its central ``chunk_frames`` and throws away ``context_frames`` on either side, which
are there only so the kept frames see the same neighbourhood they would see in one pass over the
whole file.

Exactness: when every layer above the feature encoder looks at most ``context_frames`` frames away
(a conv stack, or an attention model with a bounded window) the stitched emissions equal one full
pass up to float rounding. Models with global self-attention (wav2vec2, HuBERT, WavLM), and
feature encoders with group norm over time (``feat_extract_norm="group"``, wav2vec2-base), see the
whole window instead, so the stitched emissions differ slightly from a full pass; with a few
seconds of context on each side they are what the model produces on ordinary utterance-length
input, which is what it was trained on. Audio that fits in one window is always a single pass.
Utterance-level input normalisation (wav2vec2's zero-mean unit-variance) must be applied once to
the whole file before chunking, never per window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

EmissionFn = Callable[[torch.Tensor], torch.Tensor]
"""Maps a batch of equal-length audio windows ``[B, L]`` to per-frame log-probs ``[B, F, V]``."""


@dataclass(frozen=True)
class FrameGeometry:
    """How a frame model maps samples to frames: frame ``i`` sees ``[i * stride, i * stride +
    receptive_field)``.
    """

    stride: int
    receptive_field: int

    def __post_init__(self) -> None:
        if self.stride < 1 or self.receptive_field < self.stride:
            raise ValueError(
                "need stride >= 1 and receptive_field >= stride, "
                f"got {self.stride} and {self.receptive_field}"
            )

    @classmethod
    def from_conv_layers(cls, kernels: Sequence[int], strides: Sequence[int]) -> FrameGeometry:
        """The geometry of a stack of unpadded 1-D convolutions (wav2vec2's ``conv_kernel``,
        ``conv_stride``).
        """
        if len(kernels) != len(strides) or not kernels:
            raise ValueError(f"need one stride per kernel, got kernels {kernels} and strides {strides}")
        receptive_field, jump = 1, 1
        for kernel, stride in zip(kernels, strides, strict=True):
            receptive_field += (kernel - 1) * jump
            jump *= stride
        return cls(stride=jump, receptive_field=receptive_field)

    def num_frames(self, num_samples: int) -> int:
        """Frames the model produces for ``num_samples`` samples (0 when shorter than one receptive
        field).
        """
        if num_samples < self.receptive_field:
            return 0
        return (num_samples - self.receptive_field) // self.stride + 1


@dataclass(frozen=True)
class Window:
    """One model call: samples ``[sample_start, sample_end)``; its frames ``[keep_start, keep_end)``
    are kept and become global frames from ``frame_start`` on.
    """

    sample_start: int
    sample_end: int
    keep_start: int
    keep_end: int
    frame_start: int

    @property
    def num_samples(self) -> int:
        return self.sample_end - self.sample_start


def plan_windows(
    num_samples: int, geometry: FrameGeometry, *, chunk_frames: int, context_frames: int
) -> list[Window]:
    """Cut ``num_samples`` into windows whose kept frames tile ``[0,
    geometry.num_frames(num_samples))``.
    """
    if chunk_frames < 1 or context_frames < 0:
        raise ValueError(
            f"need chunk_frames >= 1 and context_frames >= 0, got {chunk_frames}, {context_frames}"
        )
    total = geometry.num_frames(num_samples)
    windows = []
    for first in range(0, total, chunk_frames):
        last = min(first + chunk_frames, total)
        lo = max(0, first - context_frames)
        hi = min(total, last + context_frames)
        windows.append(
            Window(
                sample_start=lo * geometry.stride,
                sample_end=(hi - 1) * geometry.stride + geometry.receptive_field,
                keep_start=first - lo,
                keep_end=last - lo,
                frame_start=first,
            )
        )
    return windows


def chunked_emissions(
    audio: torch.Tensor,
    emit: EmissionFn,
    geometry: FrameGeometry,
    *,
    chunk_frames: int,
    context_frames: int,
    batch_size: int = 1,
) -> torch.Tensor:
    """Per-frame log-probs ``[T, V]`` for 1-D ``audio``, computed window by window (see module doc).

    Windows of equal length are batched ``batch_size`` at a time. Raises ``ValueError`` if the audio
    is shorter than one frame or if ``emit`` returns a frame count that contradicts ``geometry``.
    """
    if audio.ndim != 1:
        raise ValueError(f"audio must be 1-D samples, got shape {tuple(audio.shape)}")
    total = geometry.num_frames(audio.shape[0])
    if total == 0:
        raise ValueError(
            f"audio of {audio.shape[0]} samples is shorter than one frame "
            f"({geometry.receptive_field} samples)"
        )
    windows = plan_windows(audio.shape[0], geometry, chunk_frames=chunk_frames, context_frames=context_frames)
    by_length: dict[int, list[Window]] = {}
    for window in windows:
        by_length.setdefault(window.num_samples, []).append(window)

    output: torch.Tensor | None = None
    for length, group in by_length.items():
        expected = geometry.num_frames(length)
        for begin in range(0, len(group), batch_size):
            batch = group[begin : begin + batch_size]
            inputs = torch.stack([audio[w.sample_start : w.sample_end] for w in batch])
            frames = emit(inputs)
            if frames.ndim != 3 or frames.shape[:2] != (len(batch), expected):
                raise ValueError(
                    f"the model returned {tuple(frames.shape)} for {len(batch)} windows of "
                    f"{length} samples; the frame geometry {geometry} predicts {expected} each"
                )
            if output is None:
                output = frames.new_empty((total, frames.shape[2]))
            for window, window_frames in zip(batch, frames, strict=True):
                kept = window_frames[window.keep_start : window.keep_end]
                output[window.frame_start : window.frame_start + kept.shape[0]] = kept
    assert output is not None  # total > 0 means at least one window
    return output
