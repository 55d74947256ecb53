"""Where a model runs and in which dtype, from the ``device``/``dtype`` settings every config shares
(``auto`` picks the GPU when one is visible)."""

from __future__ import annotations

import torch

from voxtune.errors import ConfigError


def resolve_device(device: str) -> str:
    """``auto``: ``cuda`` when a GPU is visible, else ``cpu``; a CUDA device without a GPU is an error."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device: {device}, but no CUDA GPU is visible", hint="Use device: auto or cpu")
    return device


def resolve_dtype(dtype: str, device: str, *, gpu: str = "bfloat16") -> torch.dtype:
    """``auto``: ``gpu`` on a CUDA device (bfloat16 only where the GPU supports it), float32 on a CPU."""
    if dtype != "auto":
        return getattr(torch, dtype)
    if not device.startswith("cuda"):
        return torch.float32
    if gpu == "bfloat16" and not torch.cuda.is_bf16_supported():
        return torch.float32
    return getattr(torch, gpu)
