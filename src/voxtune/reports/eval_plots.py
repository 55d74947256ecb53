"""Figures for evaluation reports: mel spectrograms, F0 contours, a confusion matrix, metric distributions.

Each function returns a matplotlib figure (Agg backend) for ``HtmlReport.figure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import librosa
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from voxtune.evaluate.metrics.confusion import ConfusionMatrix

MEL_BANDS = 80
COLOURS = ("#222222", "#4a7dbd", "#d0632c", "#5b9a68", "#8e5ea2", "#c2a83e", "#3b9ab2", "#b5485d")


def mel_db(samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, float]:
    """Log-mel spectrogram (dB re the clip's peak, floor -80 dB) and seconds per frame."""
    hop = max(1, round(0.0125 * sample_rate))
    mel = librosa.feature.melspectrogram(
        y=np.asarray(samples, dtype=np.float32),
        sr=sample_rate,
        n_fft=int(2 ** np.ceil(np.log2(0.05 * sample_rate))),
        hop_length=hop,
        n_mels=MEL_BANDS,
        fmax=sample_rate / 2,
    )
    return librosa.power_to_db(mel, ref=np.max, top_db=80.0), hop / sample_rate


def mel_figure(clips: Sequence[tuple[str, np.ndarray, int]], title: str = "") -> Figure:
    """One log-mel spectrogram per ``(label, samples, rate)``, stacked, on a shared time axis."""
    figure, axes = plt.subplots(len(clips), 1, figsize=(7.5, 1.5 * len(clips) + 0.4), squeeze=False)
    longest = max((s.size / r for _, s, r in clips), default=1.0)
    for axis, (label, samples, rate) in zip(axes[:, 0], clips, strict=True):
        spec, step = mel_db(samples, rate)
        axis.imshow(
            spec,
            origin="lower",
            aspect="auto",
            cmap="magma",
            extent=(0.0, spec.shape[1] * step, 0, MEL_BANDS),
            vmin=-80,
            vmax=0,
        )
        axis.set_xlim(0, longest)
        axis.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        axis.set_yticks([])
    axes[-1, 0].set_xlabel("seconds")
    if title:
        axes[0, 0].set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def f0_figure(tracks: Sequence[tuple[str, np.ndarray, np.ndarray]], title: str = "") -> Figure:
    """F0 contours ``(label, times_s, f0_hz)`` overlaid; unvoiced frames (0 Hz) are gaps."""
    figure, axis = plt.subplots(figsize=(7.5, 2.4))
    for index, (label, times, f0) in enumerate(tracks):
        values = np.where(np.asarray(f0) > 0, f0, np.nan)
        axis.plot(times, values, label=label, color=COLOURS[index % len(COLOURS)], linewidth=1.4)
    axis.set_xlabel("seconds")
    axis.set_ylabel("F0 (Hz)")
    axis.legend(fontsize=7, loc="upper right", ncols=min(4, max(1, len(tracks))))
    if title:
        axis.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def confusion_figure(matrix: ConfusionMatrix, title: str = "") -> Figure:
    """Row-normalised confusion matrix with the counts written in each cell."""
    counts = matrix.counts.astype(float)
    rows = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    figure, axis = plt.subplots(
        figsize=(1.1 * len(matrix.predicted_labels) + 1.8, 0.8 * len(matrix.labels) + 1.2)
    )
    axis.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            colour = "white" if shares[i, j] > 0.6 else "black"
            axis.text(j, i, str(int(counts[i, j])), ha="center", va="center", color=colour, fontsize=9)
    axis.set_xticks(range(len(matrix.predicted_labels)), matrix.predicted_labels)
    axis.set_yticks(range(len(matrix.labels)), matrix.labels)
    axis.set_xlabel("heard as")
    axis.set_ylabel("adapter language")
    if title:
        axis.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def distributions_figure(panels: Sequence[tuple[str, Mapping[str, Sequence[float]]]]) -> Figure:
    """One panel per metric ``(label, {system: values})``: a box per system with its items as dots."""
    columns = min(3, len(panels))
    rows = int(np.ceil(len(panels) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(3.4 * columns, 2.5 * rows), squeeze=False)
    rng = np.random.default_rng(0)
    for axis, (label, by_system) in zip(axes.ravel(), panels, strict=False):
        names = list(by_system)
        data = [np.asarray(by_system[n], dtype=float) for n in names]
        axis.boxplot(data, showfliers=False, widths=0.5)
        for index, values in enumerate(data, start=1):
            jitter = rng.uniform(-0.12, 0.12, size=values.size)
            axis.scatter(index + jitter, values, s=9, alpha=0.7, color=COLOURS[(index - 1) % len(COLOURS)])
        axis.set_xticks(range(1, len(names) + 1), names, rotation=30, ha="right", fontsize=7)
        axis.set_title(label, fontsize=9)
    for axis in axes.ravel()[len(panels) :]:
        axis.axis("off")
    figure.tight_layout()
    return figure


def energy_figure(
    contours: Sequence[tuple[str, np.ndarray, np.ndarray]],
    spans: Sequence[tuple[str, float, float]],
    title: str = "",
) -> Figure:
    """Energy contours ``(label, times_s, level_db)`` overlaid, with marked spans shaded and named."""
    figure, axis = plt.subplots(figsize=(7.5, 2.4))
    for index, (label, times, level) in enumerate(contours):
        axis.plot(times, level, label=label, color=COLOURS[index % len(COLOURS)], linewidth=1.2)
    for word, start, end in spans:
        axis.axvspan(start, end, color="#f2c14e", alpha=0.3)
        axis.text((start + end) / 2, axis.get_ylim()[1], word, ha="center", va="bottom", fontsize=7)
    axis.set_xlabel("seconds")
    axis.set_ylabel("level (dB)")
    axis.legend(fontsize=7, loc="lower right")
    if title:
        axis.set_title(title, fontsize=9, pad=12)
    figure.tight_layout()
    return figure
