"""Experiment logging through accelerate's trackers: TensorBoard always, wandb when installed.

Scalars go through ``accelerator.log``; audio samples and mel-spectrogram images go to each tracker's
own API (TensorBoard's SummaryWriter, a wandb run).
"""

from __future__ import annotations

import importlib.util
import os
import resource
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from accelerate import Accelerator


def resolve_report_to(report_to: list[str] | str) -> list[str]:
    """``auto`` -> tensorboard, plus wandb when the package is installed and an API key is set."""
    if report_to != "auto":
        return list(report_to)
    chosen = ["tensorboard"]
    if importlib.util.find_spec("wandb") is not None and os.environ.get("WANDB_API_KEY"):
        chosen.append("wandb")
    return chosen


def flat_config(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config as flat ``a.b`` keys with scalar values (what trackers' hparams accept)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flat_config(value, f"{name}."))
        elif isinstance(value, (int, float, str, bool)) or value is None:
            out[name] = "none" if value is None else value
        else:
            out[name] = str(value)
    return out


def memory_megabytes(device: torch.device) -> float:
    """Peak memory: the accelerator's allocated memory on CUDA, else this process's peak RSS."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def mel_figure(audio: np.ndarray, sample_rate: int, title: str):  # -> matplotlib Figure
    """A log-mel spectrogram image of ``audio``."""
    import librosa
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    mel = librosa.feature.melspectrogram(y=audio.astype(np.float32), sr=sample_rate, n_mels=80)
    db = librosa.power_to_db(mel + 1e-10, ref=np.max)
    figure = Figure(figsize=(6, 2.5))
    axis = figure.add_subplot()
    axis.imshow(db, origin="lower", aspect="auto", cmap="magma")
    axis.set_title(title, fontsize=8)
    axis.set_xlabel("frame")
    axis.set_ylabel("mel bin")
    figure.tight_layout()
    return figure


class Tracker:
    """Logs scalars and media to every tracker the accelerator was set up with."""

    def __init__(self, accelerator: Accelerator, report_to: list[str]):
        self.accelerator = accelerator
        self.report_to = report_to

    def scalars(self, values: Mapping[str, float], step: int) -> None:
        self.accelerator.log({k: float(v) for k, v in values.items()}, step=step)

    def audio(self, tag: str, audio: np.ndarray, sample_rate: int, step: int) -> None:
        if not self.accelerator.is_main_process or audio.size == 0:
            return
        audio = np.clip(audio, -1.0, 1.0)
        figure = mel_figure(audio, sample_rate, tag)
        if "tensorboard" in self.report_to:
            writer = self.accelerator.get_tracker("tensorboard", unwrap=True)
            writer.add_audio(tag, torch.from_numpy(audio).float()[None], step, sample_rate=sample_rate)
            writer.add_figure(f"{tag}/mel", figure, step)
        if "wandb" in self.report_to:
            import wandb

            run = self.accelerator.get_tracker("wandb", unwrap=True)
            run.log(
                {tag: wandb.Audio(audio, sample_rate=sample_rate), f"{tag}/mel": wandb.Image(figure)},
                step=step,
            )

    def flush(self) -> None:
        if "tensorboard" in self.report_to and self.accelerator.is_main_process:
            self.accelerator.get_tracker("tensorboard", unwrap=True).flush()
