"""Predicted listening quality without a reference: DNSMOS P.835, and UTMOS from a local file.

DNSMOS (Microsoft, ``speechmos`` package; its ONNX models ship inside the package, so it runs
offline) predicts P.835 signal (SIG), background (BAK) and overall (OVRL) MOS, plus P.808 MOS, on
a 1-5 scale. It works at 16 kHz (other rates are resampled, noted) on 9.01 s windows hopped by 1 s;
shorter clips are tiled to 9.01 s by repetition, as the reference implementation does.

UTMOS (UTokyo-SaruLab, VoiceMOS 2022) is trained on English listening tests only: treat its scores
on other languages as a rough signal. It is loaded from a local TorchScript file
(``utmos_scripted.pt`` from the utmos-pytorch project), so nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxtune.errors import InputError
from voxtune.evaluate.audio import prepare_audio

DNSMOS_SAMPLE_RATE = 16000
UTMOS_SAMPLE_RATE = 16000
_dnsmos_lock = threading.Lock()


@dataclass(frozen=True)
class DnsmosScores:
    """DNSMOS P.835 SIG/BAK/OVRL and P.808 MOS for one clip."""

    sig: float
    bak: float
    ovrl: float
    p808: float
    notes: tuple[str, ...] = ()


def dnsmos(audio: np.ndarray, sample_rate: int, *, personalized: bool = False) -> DnsmosScores:
    """DNSMOS of one clip; ``personalized`` uses the model that also penalises interfering talkers.

    Empty, non-finite or silent audio raises :class:`~voxtune.evaluate.errors.UnscorableError`
    (the reference code would loop forever on an empty clip).
    """
    prepared = prepare_audio(audio, sample_rate, target_rate=DNSMOS_SAMPLE_RATE)
    samples = np.clip(prepared.samples, -1.0, 1.0)
    from speechmos import dnsmos as speechmos_dnsmos

    model = "dnsmos_personalized" if personalized else "dnsmos"
    with _dnsmos_lock:  # speechmos keeps its ONNX sessions in a module global
        scores = speechmos_dnsmos.run(samples, sr=DNSMOS_SAMPLE_RATE, model_type=model)
    return DnsmosScores(
        sig=float(scores["sig_mos"]),
        bak=float(scores["bak_mos"]),
        ovrl=float(scores["ovrl_mos"]),
        p808=float(scores["p808_mos"]),
        notes=prepared.notes,
    )


class UtmosScorer:
    """UTMOS MOS prediction (English-trained) from a local TorchScript checkpoint.

    The checkpoint must expose ``score(wav)`` taking a (batch, 1, samples) float tensor at 16 kHz
    and returning one score per batch item, as ``utmos_scripted.pt`` does.
    """

    english_trained = True

    def __init__(self, checkpoint: str | Path, device: str = "cpu"):
        import torch

        path = Path(checkpoint).expanduser()
        if path.is_dir():
            path = path / "utmos_scripted.pt"
        if not path.is_file():
            raise InputError(
                "UTMOS checkpoint not found",
                path=path,
                hint="download utmos_scripted.pt once and point at it (or its folder)",
            )
        try:
            with warnings.catch_warnings():  # torch.jit is deprecated but still loads these files
                warnings.simplefilter("ignore", DeprecationWarning)
                self._model = torch.jit.load(str(path), map_location=device)
        except RuntimeError as error:
            raise InputError(
                f"could not load the UTMOS checkpoint: {str(error).splitlines()[0]}",
                path=path,
                hint="it must be a TorchScript file such as utmos_scripted.pt",
            ) from error
        self._model.eval()
        self._torch = torch
        self._device = device

    def score(self, audio: np.ndarray, sample_rate: int) -> tuple[float, tuple[str, ...]]:
        """Predicted MOS (1-5) of one clip, and notes (resampling to 16 kHz)."""
        prepared = prepare_audio(audio, sample_rate, target_rate=UTMOS_SAMPLE_RATE)
        wav = self._torch.from_numpy(prepared.samples.copy()).to(self._device).view(1, 1, -1)
        with self._torch.inference_mode():
            value = self._model.score(wav)
        return float(value.reshape(-1)[0]), prepared.notes
