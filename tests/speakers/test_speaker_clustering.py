"""Per-file speaker clustering on constructed embeddings with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering

from voxtune.speakers.clustering import (
    ClusteringSettings,
    cluster_centroids,
    cluster_speakers,
    cosine_distances,
    number_by_first_appearance,
)


def at_angles(*degrees: float) -> np.ndarray:
    """2-D unit vectors: their cosine distance is 1 - cos(angle between them)."""
    radians = np.deg2rad(degrees)
    return np.stack([np.cos(radians), np.sin(radians)], axis=1)


def speakers_with_noise(
    counts: list[int], dim: int = 64, noise: float = 0.15, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Segments scattered around one random direction per speaker (near-orthogonal in 64-d)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(counts), dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = np.repeat(np.arange(len(counts)), counts)
    points = centres[truth] + noise * rng.standard_normal((len(truth), dim)) / np.sqrt(dim)
    order = rng.permutation(len(truth))
    return points[order], truth[order]


def test_two_speakers_by_hand():
    # 0° & 10° (distance 0.015) vs 90° & 100°: far apart (distance ~1)
    labels = cluster_speakers(at_angles(90, 0, 100, 10))
    assert labels.tolist() == [0, 1, 0, 1]


def test_threshold_decides_between_one_and_two_speakers():
    # Two groups 40° apart: average distance between them is 1 - cos(40°) +- a little
    points = at_angles(0, 2, 40, 42)
    between = cosine_distances(points[:2], points[2:]).mean()
    assert cluster_speakers(points, ClusteringSettings(threshold=between + 0.01)).tolist() == [0, 0, 0, 0]
    assert cluster_speakers(points, ClusteringSettings(threshold=between - 0.01)).tolist() == [0, 0, 1, 1]


def test_single_speaker_file_gives_one_cluster():
    points, _ = speakers_with_noise([12])
    assert set(cluster_speakers(points).tolist()) == {0}


def test_single_segment_and_empty_file():
    assert cluster_speakers(np.ones((1, 8))).tolist() == [0]
    assert cluster_speakers(np.zeros((0, 8))).tolist() == []


@pytest.mark.parametrize("counts", [[5, 5], [3, 8, 2], [4, 4, 4, 4, 1]])
def test_recovers_constructed_speakers_exactly(counts):
    points, truth = speakers_with_noise(counts, seed=len(counts))
    labels = cluster_speakers(points)
    assert labels.tolist() == number_by_first_appearance(truth).tolist()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.6])
def test_same_partition_as_scikit_learn_average_linkage(seed, threshold):
    # Noisier data so that the threshold really matters.
    points, _ = speakers_with_noise([6, 6, 6], noise=1.2, seed=seed)
    reference = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    ).fit_predict(points)
    labels = cluster_speakers(points, ClusteringSettings(threshold=threshold))
    assert labels.tolist() == number_by_first_appearance(reference).tolist()


def test_labels_are_numbered_by_first_appearance():
    points, _ = speakers_with_noise([4, 4, 4], seed=5)
    labels = cluster_speakers(points)
    firsts = [int(np.argmax(labels == k)) for k in range(labels.max() + 1)]
    assert labels[0] == 0 and firsts == sorted(firsts)


def test_max_speakers_caps_the_count():
    points, truth = speakers_with_noise([5, 5, 5], seed=2)
    assert len(set(cluster_speakers(points).tolist())) == 3
    capped = cluster_speakers(points, ClusteringSettings(max_speakers=2))
    assert len(set(capped.tolist())) == 2
    # the cap merges whole speakers, it never splits one
    for speaker in range(3):
        assert len(set(capped[truth == speaker].tolist())) == 1


def test_short_segments_join_the_nearest_cluster_instead_of_forming_one():
    # Two long-segment speakers at 0° and 90°; a short segment at 60° is 0.5 away from speaker A
    # and 0.13 from speaker B on average: alone it is its own speaker, anchored it joins B.
    points = at_angles(0, 2, 88, 90, 60)
    durations = [3.0, 3.0, 3.0, 3.0, 0.4]
    settings = ClusteringSettings(threshold=0.1)
    assert cluster_speakers(points, settings).tolist() == [0, 0, 1, 1, 2]
    assert cluster_speakers(points, settings, durations).tolist() == [0, 0, 1, 1, 1]


def test_all_short_segments_are_clustered_normally():
    points = at_angles(0, 2, 88, 90)
    plain = cluster_speakers(points)
    assert cluster_speakers(points, durations=[0.3] * 4).tolist() == plain.tolist() == [0, 0, 1, 1]


def test_short_segment_before_any_long_one_still_numbers_from_zero():
    points = at_angles(89, 0, 90, 1)
    labels = cluster_speakers(points, durations=[0.5, 2.0, 2.0, 2.0])
    assert labels.tolist() == [0, 1, 0, 1]


def test_centroids_are_means_of_unit_rows():
    vectors = np.array([[3.0, 0.0], [0.0, 5.0], [0.0, 2.0]])
    centroids = cluster_centroids(vectors, np.array([0, 0, 1]))
    np.testing.assert_allclose(centroids, [[0.5, 0.5], [0.0, 1.0]])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="finite and non-zero"):
        cluster_speakers(np.array([[1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="2-D"):
        cluster_speakers(np.ones(4))
    with pytest.raises(ValueError, match="durations"):
        cluster_speakers(np.eye(3), durations=[1.0, 2.0])
    with pytest.raises(ValueError, match="threshold"):
        ClusteringSettings(threshold=0.0)
    with pytest.raises(ValueError, match="max_speakers"):
        ClusteringSettings(max_speakers=0)
