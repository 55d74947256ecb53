"""End to end on real speech: embed, cluster per file, link across files, score against truth.

"Files" are built from FSDD (4 speakers): each holds 1-3 speakers, each speaker 2-3 segments, each
segment several digit clips of that speaker joined to >= 1.5 s, in shuffled order. Bounds were set
from measurement: over 12 seeds of this layout the corpus purity and inverse purity were >= 0.974
(1.0 for 11 seeds); with one extra lone digit (0.2-1.3 s) per speaker and file, >= 0.868 (mean
0.935) with short-segment anchoring, and inverse purity ~0.80 without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from voxtune.speakers import (
    ClusteringSettings,
    ClusterScores,
    FileSpeakers,
    SpeakerLinks,
    cluster_scores,
    cluster_speakers,
    link_speakers,
)

RATE = 8000
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
LAYOUT = (
    ("george",),
    ("jackson", "lucas"),
    ("nicolas", "george", "jackson"),
    ("lucas",),
    ("george", "nicolas"),
    ("jackson", "lucas", "nicolas"),
    ("nicolas",),
    ("lucas", "george"),
)


@dataclass
class Segment:
    speaker: str
    audio: np.ndarray


def build_files(read_digit: Callable, seed: int, lone_digits: bool) -> list[list[Segment]]:
    """The LAYOUT as lists of segments, every clip used at most once."""
    rng = np.random.default_rng(seed)
    pools = {}
    for speaker in FSDD_SPEAKERS:
        pool = [(digit, index) for digit in range(10) for index in range(50)]
        rng.shuffle(pool)
        pools[speaker] = pool
    files = []
    for speakers in LAYOUT:
        segments = []
        for speaker in speakers:
            for _ in range(rng.integers(2, 4)):
                parts: list[np.ndarray] = []
                while sum(map(len, parts)) < 1.5 * RATE:
                    parts.append(read_digit(*_digit(pools[speaker], speaker))[0])
                segments.append(Segment(speaker, np.concatenate(parts)))
            if lone_digits:
                clip = np.zeros(0)
                while len(clip) < 0.2 * RATE:
                    clip = read_digit(*_digit(pools[speaker], speaker))[0]
                segments.append(Segment(speaker, clip))
        files.append([segments[k] for k in rng.permutation(len(segments))])
    return files


def _digit(pool: list[tuple[int, int]], speaker: str) -> tuple[int, str, int]:
    digit, index = pool.pop()
    return digit, speaker, index


@dataclass
class Outcome:
    files: list[list[Segment]]
    per_file: list[FileSpeakers]
    links: SpeakerLinks
    corpus: ClusterScores

    def speaker_ids(self, file_index: int) -> list[str]:
        item = self.per_file[file_index]
        return self.links.segment_speakers(item.file_id, item.labels)


def embed_files(embedder, files: list[list[Segment]]) -> list[np.ndarray]:
    return [embedder.embed_many([segment.audio for segment in segments], RATE) for segments in files]


def run_pipeline(files: list[list[Segment]], vectors: list[np.ndarray], anchored: bool = True) -> Outcome:
    per_file = []
    for number, (segments, file_vectors) in enumerate(zip(files, vectors, strict=True)):
        durations = [len(segment.audio) / RATE for segment in segments] if anchored else None
        labels = cluster_speakers(file_vectors, ClusteringSettings(), durations)
        per_file.append(FileSpeakers(f"file{number:02d}", file_vectors, labels))
    links = link_speakers(per_file)
    predicted = [sid for item in per_file for sid in links.segment_speakers(item.file_id, item.labels)]
    truth = [segment.speaker for segments in files for segment in segments]
    return Outcome(files, per_file, links, cluster_scores(predicted, truth))


@pytest.fixture(scope="module")
def long_segment_runs(read_digit, resemblyzer_embedder) -> dict[int, Outcome]:
    runs = {}
    for seed in (0, 1, 2):
        files = build_files(read_digit, seed, lone_digits=False)
        runs[seed] = run_pipeline(files, embed_files(resemblyzer_embedder, files))
    return runs


@pytest.fixture(scope="module")
def lone_digit_files(read_digit, resemblyzer_embedder) -> tuple[list[list[Segment]], list[np.ndarray]]:
    files = build_files(read_digit, seed=0, lone_digits=True)
    return files, embed_files(resemblyzer_embedder, files)


def test_corpus_ids_are_pure_and_complete(long_segment_runs):
    for seed, outcome in long_segment_runs.items():
        scores = outcome.corpus
        print(
            f"\nFSDD seed {seed}: purity {scores.purity:.3f}, inverse purity "
            f"{scores.inverse_purity:.3f}, {scores.n_clusters} corpus ids for {scores.n_speakers} "
            f"speakers, {sum(map(len, outcome.files))} segments in {len(outcome.files)} files"
        )
        assert scores.purity >= 0.95
        assert scores.inverse_purity >= 0.95
        assert scores.n_clusters == scores.n_speakers == 4


def test_per_file_clustering_finds_each_files_speakers(long_segment_runs):
    outcome = long_segment_runs[0]
    for segments, item in zip(outcome.files, outcome.per_file, strict=True):
        scores = cluster_scores(item.labels, [segment.speaker for segment in segments])
        assert scores.purity == 1.0 and scores.inverse_purity == 1.0
        assert scores.n_clusters == len({segment.speaker for segment in segments})


def test_one_speaker_per_file_gives_one_cluster(long_segment_runs):
    for outcome in long_segment_runs.values():
        for speakers, item in zip(LAYOUT, outcome.per_file, strict=True):
            if len(speakers) == 1:
                assert set(item.labels.tolist()) == {0}


def test_same_speaker_in_different_files_gets_one_id(long_segment_runs):
    outcome = long_segment_runs[0]
    ids_of: dict[str, set[str]] = {speaker: set() for speaker in FSDD_SPEAKERS}
    for index, segments in enumerate(outcome.files):
        for segment, speaker_id in zip(segments, outcome.speaker_ids(index), strict=True):
            ids_of[segment.speaker].add(speaker_id)
    assert all(len(ids) == 1 for ids in ids_of.values()), ids_of
    assert len(set.union(*ids_of.values())) == 4
    # george opens file 0, so he is spk0001; ids follow first appearance.
    assert ids_of["george"] == {"spk0001"}
    first_seen = []
    for index in range(len(outcome.files)):
        for speaker_id in outcome.speaker_ids(index):
            if speaker_id not in first_seen:
                first_seen.append(speaker_id)
    assert first_seen == ["spk0001", "spk0002", "spk0003", "spk0004"]


def test_lone_short_digits_join_clusters_instead_of_forming_them(lone_digit_files):
    anchored = run_pipeline(*lone_digit_files, anchored=True).corpus
    free = run_pipeline(*lone_digit_files, anchored=False).corpus
    print(
        f"\nFSDD with lone digits: anchored purity {anchored.purity:.3f} / inverse "
        f"{anchored.inverse_purity:.3f} ({anchored.n_clusters} ids); unanchored {free.purity:.3f} / "
        f"{free.inverse_purity:.3f} ({free.n_clusters} ids)"
    )
    assert anchored.purity >= 0.85 and anchored.inverse_purity >= 0.85
    assert anchored.n_clusters == 4
    assert anchored.inverse_purity >= free.inverse_purity + 0.05


def test_majority_id_per_file_matches_across_files_with_lone_digits(lone_digit_files):
    outcome = run_pipeline(*lone_digit_files)
    majority: dict[str, set[str]] = {speaker: set() for speaker in FSDD_SPEAKERS}
    for index, segments in enumerate(outcome.files):
        votes: dict[str, Counter] = {}
        for segment, speaker_id in zip(segments, outcome.speaker_ids(index), strict=True):
            votes.setdefault(segment.speaker, Counter())[speaker_id] += 1
        for speaker, counter in votes.items():
            majority[speaker].add(counter.most_common(1)[0][0])
    assert all(len(ids) == 1 for ids in majority.values()), majority
