"""How well predicted speaker clusters match true speakers: purity, inverse purity, counts.

Purity: of each predicted cluster, the share held by its dominant true speaker, averaged over
items; it drops when clusters mix people. Inverse purity (pyannote calls it coverage): of each true
speaker, the share held by their dominant cluster; it drops when one person is split over several
ids.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClusterScores:
    """Agreement between predicted clusters and true speakers (weighted shares in [0, 1])."""

    purity: float
    inverse_purity: float
    n_clusters: int
    n_speakers: int

    @property
    def f_measure(self) -> float:
        """Harmonic mean of purity and inverse purity: one number to compare settings by."""
        total = self.purity + self.inverse_purity
        return 0.0 if total == 0 else 2 * self.purity * self.inverse_purity / total


def contingency(
    predicted: Sequence[Hashable],
    truth: Sequence[Hashable],
    weights: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """(n_clusters, n_speakers) matrix of summed weights (item counts when ``weights`` is None)."""
    predicted_ids = _codes(predicted)
    truth_ids = _codes(truth)
    if len(predicted_ids) != len(truth_ids):
        raise ValueError(f"got {len(predicted_ids)} predicted labels but {len(truth_ids)} true labels")
    if weights is None:
        weight = np.ones(len(truth_ids), dtype=np.float64)
    else:
        weight = np.asarray(weights, dtype=np.float64)
        if weight.shape != truth_ids.shape:
            raise ValueError(f"got {weight.size} weights for {len(truth_ids)} items")
        if np.any(weight < 0) or not np.all(np.isfinite(weight)):
            raise ValueError("weights must be finite and non-negative")
    table = np.zeros((predicted_ids.max(initial=-1) + 1, truth_ids.max(initial=-1) + 1))
    np.add.at(table, (predicted_ids, truth_ids), weight)
    return table


def cluster_scores(
    predicted: Sequence[Hashable],
    truth: Sequence[Hashable],
    weights: Sequence[float] | np.ndarray | None = None,
) -> ClusterScores:
    """Purity, inverse purity and cluster/speaker counts of one labelling.

    ``predicted`` and ``truth`` hold one label per item (segment); ``weights`` (e.g. segment
    durations, for time-weighted scores as in diarization) default to 1 per item.
    """
    table = contingency(predicted, truth, weights)
    total = table.sum()
    if total == 0:
        raise ValueError("cannot score an empty labelling (no items, or all weights zero)")
    return ClusterScores(
        purity=float(table.max(axis=1).sum() / total),
        inverse_purity=float(table.max(axis=0).sum() / total),
        n_clusters=int(table.shape[0]),
        n_speakers=int(table.shape[1]),
    )


def _codes(labels: Sequence[Hashable]) -> np.ndarray:
    """Labels as 0..k-1 integers; works for any hashable labels, mixed types included."""
    number: dict[Hashable, int] = {}
    values = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
    return np.asarray([number.setdefault(label, len(number)) for label in values], dtype=np.int64)
