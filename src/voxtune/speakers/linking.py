"""Corpus-wide speaker ids: link the per-file speaker clusters of many files to one another.

Per-file diarization (ours, or Emilia-Pipe's) numbers speakers afresh in every file. Here each
(file, local speaker) is represented by its centroid, the mean of its segments' unit embeddings, and
the centroids are clustered with average linkage on cosine distance, cut at a threshold. Two
clusters of the same file are never linked by default: per-file clustering already judged them to be
different people, and the constraint stops a loose threshold from merging a conversation's partners.

Ids are ``spk0001``, ``spk0002``, ... in order of first appearance: files in the order given, and
within a file, local speakers in the order their first segment occurs. Pass files in a stable order
(e.g. sorted by recording id) and the same corpus always gets the same ids. Adding files can
renumber later speakers, since ids follow the order of appearance.

Memory grows with the square of the number of (file, speaker) pairs: ~0.4 GB for 10 000 pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster

from voxtune.speakers.clustering import (
    average_linkage_tree,
    cluster_centroids,
    cosine_distances,
    number_by_first_appearance,
    unit_rows,
)


@dataclass(frozen=True)
class LinkingSettings:
    """How to decide that speakers of different files are the same person.

    ``threshold``: average cosine distance between (file, speaker) centroids above which they are
    different people. The default suits resemblyzer: on FSDD, with centroids of 1-3 segments of
    1.5-2.5 s, 0.25 gave purity 0.996 and inverse purity 0.993 (0.20 split speakers, 0.35 merged
    them).
    ``keep_same_file_apart``: never link two speakers of one file (see the module docstring).
    ``id_prefix`` and ``id_digits`` shape the ids: ``spk0001``.
    """

    threshold: float = 0.25
    keep_same_file_apart: bool = True
    id_prefix: str = "spk"
    id_digits: int = 4

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 2.0:
            raise ValueError(f"threshold is a cosine distance in (0, 2], got {self.threshold}")

    def speaker_id(self, number: int) -> str:
        """The id of the ``number``-th speaker to appear (counting from 1)."""
        return f"{self.id_prefix}{number:0{self.id_digits}d}"


@dataclass(frozen=True)
class FileSpeakers:
    """One source file's segments: their speaker embeddings and per-file speaker labels."""

    file_id: str
    embeddings: np.ndarray
    """(n_segments, dim), any scale (rows are normalised before averaging)."""
    labels: np.ndarray
    """(n_segments,) local speaker labels of any hashable kind (ints from ``cluster_speakers``,
    or Emilia-Pipe's per-file ids)."""


@dataclass(frozen=True)
class SpeakerLinks:
    """Which corpus speaker each (file, local label) is, and each corpus speaker's mean voice."""

    speaker_of: dict[tuple[str, object], str]
    """(file_id, local label) -> corpus speaker id."""
    centroids: dict[str, np.ndarray]
    """corpus speaker id -> unit vector: mean of all its segments' unit embeddings, renormalised."""

    def segment_speakers(self, file_id: str, labels: Sequence[object]) -> list[str]:
        """Corpus speaker ids for a file's segments, given their local labels."""
        return [self.speaker_of[(file_id, _plain(label))] for label in labels]

    @property
    def speaker_ids(self) -> list[str]:
        """All corpus speaker ids, in order of first appearance."""
        return list(self.centroids)


def link_speakers(files: Sequence[FileSpeakers], settings: LinkingSettings | None = None) -> SpeakerLinks:
    """Give every (file, local speaker) a corpus-wide speaker id (see the module docstring)."""
    settings = settings or LinkingSettings()
    seen_files: set[str] = set()
    keys: list[tuple[str, object]] = []
    centroid_rows: list[np.ndarray] = []
    file_of_row: list[int] = []
    segment_sums: list[np.ndarray] = []
    segment_counts: list[int] = []
    for file_index, item in enumerate(files):
        if item.file_id in seen_files:
            raise ValueError(f"file {item.file_id!r} is given twice")
        seen_files.add(item.file_id)
        local = [_plain(label) for label in np.asarray(item.labels).reshape(-1)]
        if len(local) != len(item.embeddings):
            raise ValueError(
                f"file {item.file_id!r}: {len(item.embeddings)} embeddings but {len(local)} labels"
            )
        if not local:
            continue
        order, first_of = _first_appearance(local)
        centroids = cluster_centroids(item.embeddings, order)
        counts = np.bincount(order)
        for number, label in enumerate(first_of):
            keys.append((item.file_id, label))
            centroid_rows.append(centroids[number])
            file_of_row.append(file_index)
            segment_sums.append(centroids[number] * counts[number])
            segment_counts.append(int(counts[number]))

    if not keys:
        return SpeakerLinks({}, {})
    groups = _group_centroids(np.stack(centroid_rows), np.asarray(file_of_row), settings)

    speaker_of: dict[tuple[str, object], str] = {}
    sums: dict[str, np.ndarray] = {}
    for key, group, total in zip(keys, groups, segment_sums, strict=True):
        speaker = settings.speaker_id(int(group) + 1)
        speaker_of[key] = speaker
        sums[speaker] = sums.get(speaker, 0.0) + total
    centroids = {speaker: unit_rows(total[None, :])[0] for speaker, total in sums.items()}
    return SpeakerLinks(speaker_of, centroids)


def _group_centroids(centroids: np.ndarray, file_of_row: np.ndarray, settings: LinkingSettings) -> np.ndarray:
    """Cluster the centroids; returns 0-based groups numbered by first appearance."""
    n = len(centroids)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    distances = cosine_distances(centroids)
    if settings.keep_same_file_apart:
        # Average linkage averages pair distances, so a cluster holding a same-file pair has merge
        # height >= penalty / (n/2)^2 > 2 >= threshold: such merges always fall above the cut.
        same_file = (file_of_row[:, None] == file_of_row[None, :]) & ~np.eye(n, dtype=bool)
        distances[same_file] = 2.0 * n * n + 2.0
    tree = average_linkage_tree(distances)
    groups = fcluster(tree, t=settings.threshold, criterion="distance")
    return number_by_first_appearance(groups)


def _first_appearance(labels: list[object]) -> tuple[np.ndarray, list[object]]:
    """Map labels to 0..k-1 by first occurrence; also return the labels in that order."""
    number: dict[object, int] = {}
    for label in labels:
        number.setdefault(label, len(number))
    return np.asarray([number[label] for label in labels], dtype=np.int64), list(number)


def _plain(label: object) -> object:
    """numpy scalars as Python scalars, so ``np.int64(1)`` and ``1`` name the same local speaker."""
    return label.item() if isinstance(label, np.generic) else label
