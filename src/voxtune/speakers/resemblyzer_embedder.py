"""Resemblyzer (GE2E d-vector, 256-d) speaker embeddings: the offline default, fast on a laptop CPU.

Its weights ship inside the ``resemblyzer`` package, so nothing is downloaded. The model reads 1.6 s
windows of 16 kHz audio; a clip is cut into overlapping windows, each window is embedded and the
clip's embedding is the normalised mean, exactly as ``VoiceEncoder.embed_utterance`` does. We batch
the windows of many clips through the network at once, which that method cannot do.

Short clips: anything shorter than one window is zero-padded to 1.6 s (resemblyzer's own rule).
On FSDD digits we measured that this beats repeating the clip to fill the window (same/different
speaker ROC AUC for clips under 0.3 s: 0.96 zero-padded vs 0.82 tiled). Cut shorter, clips lose
identity fast (AUC of centre crops: 0.91 at 0.45 s, 0.84 at 0.2 s, 0.71 at 0.05 s), so clips under
0.2 s are rejected by default (``min_seconds``), and clustering can keep short segments from
shaping clusters (``ClusteringSettings.min_anchor_seconds``).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from voxtune.errors import InputError
from voxtune.speakers.embeddings import SpeakerEmbedder

TARGET_DBFS = -30.0
"""Loudness resemblyzer's own preprocessing raises quiet clips to (its mel features are not log)."""

RATE = 1.3
MIN_COVERAGE = 0.75
"""Window rate (per second) and last-window coverage: ``embed_utterance``'s defaults."""


class ResemblyzerEmbedder(SpeakerEmbedder):
    """GE2E speaker encoder from ``resemblyzer``: 256-d unit-length embeddings."""

    name = "resemblyzer"
    sample_rate = 16000
    dim = 256

    def __init__(
        self,
        *,
        device: str = "cpu",
        weights_path: str | Path | None = None,
        min_seconds: float = 0.2,
        windows_per_batch: int = 64,
    ):
        with warnings.catch_warnings():  # its webrtcvad dependency warns about pkg_resources
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
            from resemblyzer import VoiceEncoder

        if weights_path is not None and not Path(weights_path).is_file():
            raise InputError(
                "resemblyzer weights file not found",
                path=weights_path,
                hint="Leave model unset to use the weights that ship with resemblyzer",
            )
        self.encoder = VoiceEncoder(device=device, verbose=False, weights_fpath=weights_path).eval()
        self.min_seconds = min_seconds
        self.windows_per_batch = windows_per_batch

    def _embed_prepared(self, clips: list[np.ndarray]) -> np.ndarray:
        windows, owners = [], []
        for owner, clip in enumerate(clips):
            for window in self._windows(clip):
                windows.append(window)
                owners.append(owner)
        stacked = np.stack(windows)
        window_embeddings = []
        with torch.inference_mode():
            for start in range(0, len(stacked), self.windows_per_batch):
                batch = torch.from_numpy(stacked[start : start + self.windows_per_batch])
                window_embeddings.append(self.encoder(batch.to(self.encoder.device)).cpu().numpy())
        per_window = np.concatenate(window_embeddings)
        sums = np.zeros((len(clips), self.dim), dtype=np.float64)
        np.add.at(sums, np.asarray(owners), per_window)
        counts = np.bincount(owners, minlength=len(clips))[:, None]
        return (sums / counts).astype(np.float32)

    def _windows(self, clip: np.ndarray) -> list[np.ndarray]:
        """Mel windows of one clip, cut the way ``VoiceEncoder.embed_utterance`` cuts them."""
        from resemblyzer import audio

        wav = audio.normalize_volume(clip, TARGET_DBFS, increase_only=True)
        wav_slices, mel_slices = self.encoder.compute_partial_slices(len(wav), RATE, MIN_COVERAGE)
        end = wav_slices[-1].stop
        if end >= len(wav):
            wav = np.pad(wav, (0, end - len(wav)))
        mel = audio.wav_to_mel_spectrogram(wav)
        return [mel[window] for window in mel_slices]
