"""Who speaks when inside ONE source file: cluster its segments' speaker embeddings.

Method: agglomerative clustering with average linkage on cosine distance, cut at a distance
threshold, so the number of speakers comes out of the data. We chose it over spectral clustering
with an eigengap because most source files (audiobooks, monologues, one-host podcasts) hold a single
speaker, which a threshold handles naturally and an eigengap cannot express (it needs k >= 2), and
because files often have only a handful of segments, where eigengaps are unstable. Average linkage
compares whole groups, so one odd segment does not chain two speakers together (single linkage) or
split a speaker (complete linkage).

Short segments give noisy embeddings; with ``durations`` given, segments shorter than
``min_anchor_seconds`` do not shape the clusters and are attached afterwards to the cluster they are
closest to on average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform


@dataclass(frozen=True)
class ClusteringSettings:
    """How to split one file's segments into speakers.

    ``threshold``: average cosine distance above which two groups are different speakers. The
    default suits resemblyzer embeddings: on FSDD (4 speakers, 1.5-2.5 s segments, 8 kHz speech)
    files were split perfectly from 0.33 to 0.36 and degraded outside (0.30: a speaker split in 6%
    of files; 0.40: speakers merged in 5%). Other embedding models need their own value.
    ``max_speakers``: if set, never return more clusters than this (the tree is cut higher).
    ``min_anchor_seconds``: segments shorter than this join clusters instead of forming them
    (only when durations are passed and at least one segment is this long).
    """

    threshold: float = 0.35
    max_speakers: int | None = None
    min_anchor_seconds: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 2.0:
            raise ValueError(f"threshold is a cosine distance in (0, 2], got {self.threshold}")
        if self.max_speakers is not None and self.max_speakers < 1:
            raise ValueError(f"max_speakers must be at least 1, got {self.max_speakers}")


def cluster_speakers(
    embeddings: np.ndarray,
    settings: ClusteringSettings | None = None,
    durations: Sequence[float] | None = None,
) -> np.ndarray:
    """Label each segment of one file with a local speaker number.

    ``embeddings`` is (n_segments, dim). Returns int labels 0..k-1, numbered in order of first
    appearance (segment 0 is always speaker 0), so the same input always gives the same labels.
    """
    settings = settings or ClusteringSettings()
    unit = unit_rows(embeddings)
    n = len(unit)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    anchors = np.ones(n, dtype=bool)
    if durations is not None:
        seconds = np.asarray(durations, dtype=np.float64)
        if seconds.shape != (n,):
            raise ValueError(f"got {n} embeddings but {seconds.size} durations")
        long_enough = seconds >= settings.min_anchor_seconds
        if long_enough.any():
            anchors = long_enough

    labels = np.empty(n, dtype=np.int64)
    labels[anchors] = _cut_tree(unit[anchors], settings)
    if not anchors.all():
        labels[~anchors] = _nearest_cluster(unit[~anchors], unit[anchors], labels[anchors])
    return number_by_first_appearance(labels)


def cluster_centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of the unit-normalised embeddings of each label 0..max(labels), as (k, dim) rows."""
    unit = unit_rows(embeddings)
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != (len(unit),):
        raise ValueError(f"got {len(unit)} embeddings but {labels.size} labels")
    k = int(labels.max()) + 1 if labels.size else 0
    sums = np.zeros((k, unit.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, unit)
    counts = np.bincount(labels, minlength=k)
    if np.any(counts == 0):
        raise ValueError("labels must be 0..k-1 with every number used")
    return sums / counts[:, None]


def cosine_distances(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Pairwise cosine distances (1 - cosine similarity) between rows, clipped to [0, 2]."""
    a_unit = unit_rows(a)
    b_unit = a_unit if b is None else unit_rows(b)
    return np.clip(1.0 - a_unit @ b_unit.T, 0.0, 2.0)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (float64); rejects zero or non-finite rows."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"embeddings must be 2-D (n, dim), got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if not np.all(np.isfinite(norms)) or np.any(norms == 0):
        raise ValueError("embeddings must be finite and non-zero")
    return vectors / norms


def number_by_first_appearance(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, 2, ... in the order each first occurs."""
    labels = np.asarray(labels)
    _, first_index, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first_index), dtype=np.int64)
    rank[np.argsort(first_index)] = np.arange(len(first_index))
    return rank[inverse.reshape(-1)]


def average_linkage_tree(distances: np.ndarray) -> np.ndarray:
    """scipy linkage matrix of average-linkage clustering over a square distance matrix."""
    square = np.asarray(distances, dtype=np.float64)
    square = (square + square.T) / 2.0
    np.fill_diagonal(square, 0.0)
    return linkage(squareform(square, checks=False), method="average")


def _cut_tree(unit: np.ndarray, settings: ClusteringSettings) -> np.ndarray:
    if len(unit) == 1:
        return np.zeros(1, dtype=np.int64)
    tree = average_linkage_tree(cosine_distances(unit))
    labels = fcluster(tree, t=settings.threshold, criterion="distance")
    if settings.max_speakers is not None and labels.max() > settings.max_speakers:
        labels = fcluster(tree, t=settings.max_speakers, criterion="maxclust")
    return labels.astype(np.int64)


def _nearest_cluster(points: np.ndarray, members: np.ndarray, member_labels: np.ndarray) -> np.ndarray:
    """For each point, the label whose members are closest on average (the average-linkage rule)."""
    distances = cosine_distances(points, members)
    names = np.unique(member_labels)
    mean_distance = np.stack([distances[:, member_labels == name].mean(axis=1) for name in names], axis=1)
    return names[np.argmin(mean_distance, axis=1)]
