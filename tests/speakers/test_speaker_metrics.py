"""Purity, inverse purity and counts, checked on hand-worked cases and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics.cluster import contingency_matrix

from voxtune.speakers.metrics import cluster_scores, contingency


def test_one_cluster_for_everyone_is_fully_covering_but_impure():
    scores = cluster_scores([7, 7, 7, 7], ["ann", "ann", "bob", "cid"])
    assert scores.purity == pytest.approx(0.5)  # dominant speaker ann holds 2 of 4
    assert scores.inverse_purity == 1.0
    assert (scores.n_clusters, scores.n_speakers) == (1, 3)


def test_one_cluster_per_item_is_pure_but_splits_speakers():
    scores = cluster_scores([0, 1, 2, 3], ["ann", "ann", "bob", "cid"])
    assert scores.purity == 1.0
    assert scores.inverse_purity == pytest.approx(0.75)  # ann's 2 items are split over 2 clusters
    assert (scores.n_clusters, scores.n_speakers) == (4, 3)


def test_worked_example_with_mixed_clusters():
    # cluster a: ann ann bob | cluster b: bob bob cid
    # purity = (2 + 2) / 6; inverse: ann 2 (in a), bob 2 (in b), cid 1 -> 5 / 6
    scores = cluster_scores(list("aaabbb"), ["ann", "ann", "bob", "bob", "bob", "cid"])
    assert scores.purity == pytest.approx(4 / 6)
    assert scores.inverse_purity == pytest.approx(5 / 6)
    assert scores.f_measure == pytest.approx(2 * (4 / 6) * (5 / 6) / (4 / 6 + 5 / 6))


def test_weights_count_time_not_items():
    # 9 s of ann and 1 s of bob in one cluster: time-weighted purity 0.9, item purity 0.5
    predicted, truth = [0, 0], ["ann", "bob"]
    assert cluster_scores(predicted, truth).purity == pytest.approx(0.5)
    assert cluster_scores(predicted, truth, weights=[9.0, 1.0]).purity == pytest.approx(0.9)


def test_scores_ignore_label_names():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 4, 60)
    predicted = rng.integers(0, 5, 60)
    renamed = np.array([f"spk{9 - p}" for p in predicted])
    assert cluster_scores(predicted, truth) == cluster_scores(renamed, truth)


@pytest.mark.parametrize("seed", range(5))
def test_matches_scikit_learn_contingency(seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, 200)
    predicted = rng.integers(0, 7, 200)
    reference = contingency_matrix(truth, predicted)  # rows: true classes, columns: clusters
    scores = cluster_scores(predicted, truth)
    assert scores.purity == pytest.approx(reference.max(axis=0).sum() / 200)
    assert scores.inverse_purity == pytest.approx(reference.max(axis=1).sum() / 200)
    assert scores.n_clusters == reference.shape[1] and scores.n_speakers == reference.shape[0]


def test_contingency_sums_weights_per_pair():
    table = contingency(["x", "x", "y"], ["ann", "bob", "bob"], weights=[1.5, 2.0, 4.0])
    np.testing.assert_allclose(table, [[1.5, 2.0], [0.0, 4.0]])


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="labels"):
        cluster_scores([0, 1], [0])
    with pytest.raises(ValueError, match="weights"):
        cluster_scores([0, 1], [0, 1], weights=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        cluster_scores([0, 1], [0, 1], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="empty"):
        cluster_scores([], [])
