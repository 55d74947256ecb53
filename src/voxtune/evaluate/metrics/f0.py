"""F0 (pitch) accuracy between a reference and a test utterance.

F0 comes from WORLD's Harvest at 5 ms frames, 60-800 Hz (``world.py`` says why Harvest). Reported:

* ``rmse_hz`` and ``rmse_cents`` over frames voiced in *both* tracks;
* ``vuv_error_rate``: share of compared frames whose voiced/unvoiced decisions differ;
* ``correlation``: Pearson correlation of F0 over frames voiced in both (``None`` when fewer than
  two such frames or either side is constant).

Frames are paired one to one when the two tracks have (nearly) the same length, otherwise, or when
asked, along a DTW path computed on mel-cepstra (the same features MCD aligns on).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from voxtune.evaluate.audio import PreparedAudio, prepare_pair
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.alignment import dtw_path
from voxtune.evaluate.metrics.mel_cepstrum import envelope_to_mel_cepstrum
from voxtune.evaluate.metrics.world import harvest_f0, world_features

Alignment = Literal["auto", "frames", "dtw"]
AUTO_LENGTH_TOLERANCE_FRAMES = 2
_ALIGN_ORDER = 24
_ALIGN_ALPHA = 0.42  # alignment only needs a consistent warping, not the rate-specific constant


@dataclass(frozen=True)
class F0Comparison:
    """F0 error measures over paired frames, and how the frames were paired."""

    rmse_hz: float
    rmse_cents: float
    vuv_error_rate: float
    correlation: float | None
    voiced_in_both: int
    frames_compared: int
    alignment: Literal["frames", "dtw"]
    notes: tuple[str, ...] = ()


def extract_f0(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """F0 in Hz per 5 ms frame (0 where unvoiced), via Harvest at the shared settings."""
    f0, _ = harvest_f0(np.asarray(audio, dtype=np.float64), sample_rate)
    return f0


def compare_f0_tracks(
    reference_f0: np.ndarray,
    test_f0: np.ndarray,
    *,
    path: tuple[np.ndarray, np.ndarray] | None = None,
) -> F0Comparison:
    """Compare two F0 tracks (Hz, 0 or negative = unvoiced) frame by frame or along ``path``.

    Without a path, the longer track is truncated to the shorter one. Raises
    :class:`UnscorableError` (``no_common_voiced_frames``) when no frame is voiced in both.
    """
    ref = np.asarray(reference_f0, dtype=np.float64)
    test = np.asarray(test_f0, dtype=np.float64)
    if path is None:
        n = min(ref.size, test.size)
        ref, test, how = ref[:n], test[:n], "frames"
    else:
        ref, test, how = ref[path[0]], test[path[1]], "dtw"
    if ref.size == 0:
        raise UnscorableError("no_frames", "an F0 track has no frames")
    voiced_ref, voiced_test = ref > 0, test > 0
    both = voiced_ref & voiced_test
    vuv_error = float(np.mean(voiced_ref != voiced_test))
    if not both.any():
        raise UnscorableError(
            "no_common_voiced_frames",
            f"no frame is voiced in both tracks ({int(voiced_ref.sum())} voiced in the reference, "
            f"{int(voiced_test.sum())} in the test)",
            vuv_error_rate=vuv_error,
        )
    r, t = ref[both], test[both]
    rmse_hz = float(np.sqrt(np.mean((t - r) ** 2)))
    rmse_cents = float(np.sqrt(np.mean((1200.0 * np.log2(t / r)) ** 2)))
    correlation = None
    if r.size >= 2 and np.std(r) > 0 and np.std(t) > 0:
        correlation = float(np.corrcoef(r, t)[0, 1])
    return F0Comparison(
        rmse_hz=rmse_hz,
        rmse_cents=rmse_cents,
        vuv_error_rate=vuv_error,
        correlation=correlation,
        voiced_in_both=int(both.sum()),
        frames_compared=int(ref.size),
        alignment=how,
    )


def f0_metrics(
    reference: np.ndarray,
    reference_rate: int,
    test: np.ndarray,
    test_rate: int,
    *,
    align: Alignment = "auto",
) -> F0Comparison:
    """Extract F0 from both signals and compare them (see the module docstring).

    ``align="auto"`` pairs frames directly when the tracks differ by at most
    :data:`AUTO_LENGTH_TOLERANCE_FRAMES` frames and by DTW otherwise; ``"frames"`` and ``"dtw"``
    force one or the other. The test signal is resampled to the reference's rate when they differ.
    """
    ref, hyp = prepare_pair(reference, reference_rate, test, test_rate)
    notes = list(ref.notes + hyp.notes)
    if align == "frames":
        return _with_notes(compare_f0_tracks(_f0(ref), _f0(hyp)), notes)
    ref_world = world_features(ref.samples, ref.sample_rate)
    hyp_world = world_features(hyp.samples, hyp.sample_rate)
    length_gap = abs(ref_world.f0_hz.size - hyp_world.f0_hz.size)
    if align == "auto" and length_gap <= AUTO_LENGTH_TOLERANCE_FRAMES:
        return _with_notes(compare_f0_tracks(ref_world.f0_hz, hyp_world.f0_hz), notes)
    if align == "auto":
        notes.append(f"tracks differ by {length_gap} frames: aligned by DTW on mel-cepstra")
    ref_mc = envelope_to_mel_cepstrum(ref_world.envelope, _ALIGN_ORDER, _ALIGN_ALPHA)[:, 1:]
    hyp_mc = envelope_to_mel_cepstrum(hyp_world.envelope, _ALIGN_ORDER, _ALIGN_ALPHA)[:, 1:]
    path = dtw_path(ref_mc, hyp_mc)
    return _with_notes(compare_f0_tracks(ref_world.f0_hz, hyp_world.f0_hz, path=path), notes)


def _f0(prepared: PreparedAudio) -> np.ndarray:
    return extract_f0(prepared.samples, prepared.sample_rate)


def _with_notes(result: F0Comparison, notes: list[str]) -> F0Comparison:
    return replace(result, notes=tuple(notes))
