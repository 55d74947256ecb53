"""Acoustic targets of a training item at Kokoro's frame rates: audio cut to whole frames, F0 (pyworld)
and log energy, one value per F0 frame (``geometry.f0_hop`` samples, 12.5 ms for Kokoro-82M)."""

from __future__ import annotations

import numpy as np
import torch

from voxtune.errors import ItemError
from voxtune.models.kokoro.geometry import KokoroGeometry
from voxtune.models.kokoro.spectral import MelSpectrogram, log_energy

F0_FLOOR = 50.0
F0_CEIL = 800.0


def fit_to_frames(audio: np.ndarray, frames: int, hop: int, *, tolerance: int) -> np.ndarray:
    """``audio`` padded with silence or cut to exactly ``frames * hop`` samples.

    ItemError ``frame_mismatch`` when that changes its length by more than ``tolerance`` samples
    (the durations were counted for other audio).
    """
    wanted = frames * hop
    difference = wanted - len(audio)
    if abs(difference) > tolerance:
        raise ItemError(
            "frame_mismatch",
            f"durations add up to {frames} frames ({wanted} samples) but the audio has {len(audio)} samples",
            frames=frames,
            samples=len(audio),
        )
    if difference > 0:
        return np.concatenate([audio, np.zeros(difference, dtype=audio.dtype)])
    return audio[:wanted]


def f0_curve(audio: np.ndarray, geometry: KokoroGeometry, frames: int, *, method: str = "dio") -> np.ndarray:
    """F0 in Hz per F0 frame (0 where unvoiced), ``frames`` values, frame i centred on sample
    ``i * f0_hop``: pyworld's DIO refined by StoneMask (``method="harvest"``: slower, fewer octave
    errors)."""
    import pyworld  # imported here: it pulls pkg_resources, which warns on import

    signal = np.ascontiguousarray(audio, dtype=np.float64)
    period_ms = 1000.0 * geometry.f0_hop / geometry.sample_rate
    rate = geometry.sample_rate
    if method == "harvest":
        f0, _ = pyworld.harvest(signal, rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
    elif method == "dio":
        raw, times = pyworld.dio(signal, rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
        f0 = pyworld.stonemask(signal, raw, times, rate)
    else:
        raise ValueError(f"unknown F0 method {method!r}: use 'dio' or 'harvest'")
    return _to_length(f0.astype(np.float32), frames)


def energy_curve(audio: np.ndarray, frames: int, mel: MelSpectrogram | None = None) -> np.ndarray:
    """StyleTTS2's noise/energy target: log mel energy per F0 frame, ``frames`` values."""
    mel = mel or MelSpectrogram()
    with torch.no_grad():
        values = log_energy(mel(torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None]))[0]
    return _to_length(values.numpy().astype(np.float32), frames)


def _to_length(values: np.ndarray, frames: int) -> np.ndarray:
    if len(values) >= frames:
        return values[:frames]
    return np.concatenate([values, np.full(frames - len(values), values[-1] if len(values) else 0.0)])
