"""Dynamic time warping between two feature sequences (librosa), shared by MCD and F0 metrics."""

from __future__ import annotations

import numpy as np

from voxtune.evaluate.errors import UnscorableError

MAX_DTW_CELLS = 64_000_000
"""Largest cost matrix (frames x frames) aligned; about 80 s against 80 s at 5 ms frames."""


def dtw_path(reference: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frame indices ``(ref_idx, test_idx)`` of the Euclidean DTW path, in time order.

    ``reference`` and ``test`` are (frames, dims). Raises :class:`UnscorableError` (``too_long``)
    when the cost matrix would exceed :data:`MAX_DTW_CELLS`.
    """
    import librosa

    n, m = len(reference), len(test)
    if n * m > MAX_DTW_CELLS:
        raise UnscorableError(
            "too_long",
            f"aligning {n} x {m} frames exceeds the DTW limit of {MAX_DTW_CELLS} cells",
            frames=(n, m),
        )
    _, path = librosa.sequence.dtw(
        X=np.ascontiguousarray(reference.T), Y=np.ascontiguousarray(test.T), metric="euclidean"
    )
    path = path[::-1]
    return path[:, 0], path[:, 1]
