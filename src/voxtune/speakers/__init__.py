"""Speaker identity from audio alone: embeddings, per-file clustering, cross-file linking, scores.

Typical use for a corpus without speaker labels::

    embedder = load_embedder("resemblyzer")
    per_file = []
    for file_id, clips, rate in files:                      # segments of one source file
        vectors = embedder.embed_many(clips, rate)
        labels = cluster_speakers(vectors, durations=[len(c) / rate for c in clips])
        per_file.append(FileSpeakers(file_id, vectors, labels))
    links = link_speakers(per_file)                         # corpus ids spk0001, spk0002, ...
    ids = links.segment_speakers(file_id, labels)
"""

from __future__ import annotations

from voxtune.speakers.clustering import ClusteringSettings, cluster_centroids, cluster_speakers
from voxtune.speakers.embeddings import (
    EmbeddedClips,
    SpeakerEmbedder,
    SpeakerEmbeddingError,
    load_embedder,
)
from voxtune.speakers.linking import FileSpeakers, LinkingSettings, SpeakerLinks, link_speakers
from voxtune.speakers.metrics import ClusterScores, cluster_scores

__all__ = [
    "ClusterScores",
    "ClusteringSettings",
    "EmbeddedClips",
    "FileSpeakers",
    "LinkingSettings",
    "SpeakerEmbedder",
    "SpeakerEmbeddingError",
    "SpeakerLinks",
    "cluster_centroids",
    "cluster_scores",
    "cluster_speakers",
    "link_speakers",
    "load_embedder",
]
