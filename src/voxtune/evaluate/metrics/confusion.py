"""Confusion matrix (true x predicted label counts) and accuracy for classification metrics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NO_PREDICTION = "<none>"
"""Column for items the classifier could not label (unscorable audio): they count as errors."""


@dataclass(frozen=True)
class ConfusionMatrix:
    """``counts[i, j]`` = items of true label ``labels[i]`` predicted as ``predicted_labels[j]``."""

    labels: tuple[str, ...]
    predicted_labels: tuple[str, ...]
    counts: np.ndarray

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def correct(self) -> int:
        return sum(
            int(self.counts[i, self.predicted_labels.index(label)])
            for i, label in enumerate(self.labels)
            if label in self.predicted_labels
        )

    @property
    def accuracy(self) -> float:
        """Share of items whose prediction equals the truth (NaN for no items)."""
        return self.correct / self.total if self.total else float("nan")

    def recall(self, label: str) -> float:
        """Share of items of true ``label`` predicted as ``label`` (NaN if there are none)."""
        row = self.counts[self.labels.index(label)]
        hit = row[self.predicted_labels.index(label)] if label in self.predicted_labels else 0
        return float(hit / row.sum()) if row.sum() else float("nan")


def confusion_matrix(
    truth: Sequence[str],
    predicted: Sequence[str | None],
    labels: Sequence[str] | None = None,
) -> ConfusionMatrix:
    """Count (truth, prediction) pairs; ``None`` predictions go to the ``<none>`` column.

    Rows are ``labels`` (default: sorted true labels); columns are those labels followed by any
    other predicted label, sorted, then ``<none>`` if used, so no prediction is dropped.
    """
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predictions")
    rows = list(labels) if labels is not None else sorted(set(truth))
    unknown = sorted(set(truth) - set(rows))
    if unknown:
        raise ValueError(f"true labels {unknown} are not among the labels {rows}")
    guesses = [NO_PREDICTION if p is None else p for p in predicted]
    extra = sorted({g for g in guesses if g not in rows and g != NO_PREDICTION})
    columns = rows + extra + ([NO_PREDICTION] if NO_PREDICTION in guesses else [])
    counts = np.zeros((len(rows), len(columns)), dtype=np.int64)
    for true_label, guess in zip(truth, guesses, strict=True):
        counts[rows.index(true_label), columns.index(guess)] += 1
    return ConfusionMatrix(labels=tuple(rows), predicted_labels=tuple(columns), counts=counts)
