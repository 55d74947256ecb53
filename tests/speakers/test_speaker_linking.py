"""Cross-file linking of per-file speaker clusters into corpus ids, on constructed embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.speakers.linking import FileSpeakers, LinkingSettings, link_speakers

DIM = 32


def voices(seed: int = 0, count: int = 4) -> np.ndarray:
    """Random unit directions, one per person (near-orthogonal in 32-d: distance ~1)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((count, DIM))
    return centres / np.linalg.norm(centres, axis=1, keepdims=True)


def segments_of(voice: np.ndarray, count: int, rng: np.random.Generator, noise: float = 0.05) -> np.ndarray:
    return voice + noise * rng.standard_normal((count, DIM)) / np.sqrt(DIM)


def make_file(file_id: str, people: list[int], centres: np.ndarray, seed: int, labels=None) -> FileSpeakers:
    """A file where person ``people[k]`` speaks 3 segments with local label ``labels[k]``."""
    rng = np.random.default_rng(seed)
    labels = list(range(len(people))) if labels is None else labels
    embeddings = np.concatenate([segments_of(centres[p], 3, rng) for p in people])
    return FileSpeakers(file_id, embeddings, np.repeat(np.asarray(labels, dtype=object), 3))


def test_same_person_in_different_files_gets_one_id():
    centres = voices()
    files = [
        make_file("a", [2, 0], centres, seed=1),
        make_file("b", [0, 1], centres, seed=2),
        make_file("c", [3], centres, seed=3),
        make_file("d", [1, 2, 3], centres, seed=4),
    ]
    links = link_speakers(files)
    # Ids by first appearance: person 2 opens file a, then person 0, then 1 (file b), then 3.
    expected = {2: "spk0001", 0: "spk0002", 1: "spk0003", 3: "spk0004"}
    people = {"a": [2, 0], "b": [0, 1], "c": [3], "d": [1, 2, 3]}
    for item in files:
        for local, person in enumerate(people[item.file_id]):
            assert links.speaker_of[(item.file_id, local)] == expected[person]
    assert links.speaker_ids == ["spk0001", "spk0002", "spk0003", "spk0004"]
    assert links.segment_speakers("b", [1, 0, 1]) == ["spk0003", "spk0002", "spk0003"]


def test_local_labels_may_be_strings_or_numpy_ints():
    centres = voices()
    emilia = make_file("x", [0, 1], centres, seed=1, labels=["SPEAKER_01", "SPEAKER_00"])
    ours = FileSpeakers("y", make_file("y", [1, 0], centres, seed=2).embeddings, np.repeat([0, 1], 3))
    links = link_speakers([emilia, ours])
    assert links.speaker_of[("x", "SPEAKER_01")] == "spk0001"
    assert links.speaker_of[("x", "SPEAKER_00")] == "spk0002"
    assert links.segment_speakers("y", np.array([0, 1])) == ["spk0002", "spk0001"]


def test_ids_follow_segment_order_within_a_file():
    centres = voices()
    rng = np.random.default_rng(0)
    embeddings = np.concatenate([segments_of(centres[0], 1, rng), segments_of(centres[1], 2, rng)])
    # local label 5 speaks first, so it is spk0001 although 2 < 5
    links = link_speakers([FileSpeakers("f", embeddings, np.array([5, 2, 2]))])
    assert links.speaker_of == {("f", 5): "spk0001", ("f", 2): "spk0002"}


def test_speakers_of_one_file_stay_apart_even_when_they_sound_alike():
    centres = voices()
    twin = centres[0] + 0.02 * centres[1]  # cosine distance to person 0 ~ 0.0002
    rng = np.random.default_rng(0)
    duet = FileSpeakers(
        "duet",
        np.concatenate([segments_of(centres[0], 2, rng, 0.0), segments_of(twin, 2, rng, 0.0)]),
        np.array([0, 0, 1, 1]),
    )
    solo = FileSpeakers("solo", segments_of(twin, 2, rng, 0.0), np.array([0, 0]))
    apart = link_speakers([duet, solo])
    assert apart.speaker_of[("duet", 0)] != apart.speaker_of[("duet", 1)]
    # the other file's speaker still joins the nearer of the two
    assert apart.speaker_of[("solo", 0)] == apart.speaker_of[("duet", 1)]
    merged = link_speakers([duet, solo], LinkingSettings(keep_same_file_apart=False))
    assert len(set(merged.speaker_of.values())) == 1


def test_threshold_separates_similar_people():
    a = np.array([1.0, 0.0])
    b = np.array([np.cos(np.deg2rad(40)), np.sin(np.deg2rad(40))])  # distance 1 - cos 40° = 0.234
    files = [FileSpeakers("one", a[None, :], np.array([0])), FileSpeakers("two", b[None, :], np.array([0]))]
    assert len(link_speakers(files, LinkingSettings(threshold=0.2)).centroids) == 2
    assert len(link_speakers(files, LinkingSettings(threshold=0.25)).centroids) == 1


def test_centroids_average_every_segment_of_a_speaker():
    centres = voices()
    files = [make_file("a", [0, 1], centres, seed=1), make_file("b", [0], centres, seed=2)]
    links = link_speakers(files)
    person0 = np.concatenate([files[0].embeddings[:3], files[1].embeddings])
    unit = person0 / np.linalg.norm(person0, axis=1, keepdims=True)
    expected = unit.mean(axis=0) / np.linalg.norm(unit.mean(axis=0))
    np.testing.assert_allclose(links.centroids["spk0001"], expected, atol=1e-12)


def test_same_input_gives_same_ids():
    centres = voices(seed=3, count=6)
    files = [make_file(f"f{k}", [k % 6, (k * 5 + 1) % 6], centres, seed=k) for k in range(10)]
    first = link_speakers(files)
    again = link_speakers(files)
    assert first.speaker_of == again.speaker_of
    assert len(first.centroids) == 6


def test_custom_id_shape():
    links = link_speakers(
        [FileSpeakers("f", np.eye(2), np.array([0, 1]))], LinkingSettings(id_prefix="tel_", id_digits=2)
    )
    assert links.speaker_ids == ["tel_01", "tel_02"]


def test_empty_corpus_and_empty_file():
    assert link_speakers([]).speaker_of == {}
    links = link_speakers(
        [
            FileSpeakers("empty", np.zeros((0, 4)), np.zeros(0)),
            FileSpeakers("f", np.eye(4)[:1], np.array([0])),
        ]
    )
    assert links.speaker_of == {("f", 0): "spk0001"}


def test_bad_input_is_refused():
    item = FileSpeakers("f", np.eye(3), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="twice"):
        link_speakers([item, item])
    with pytest.raises(ValueError, match="labels"):
        link_speakers([FileSpeakers("g", np.eye(3), np.array([0, 1]))])
    with pytest.raises(ValueError, match="threshold"):
        LinkingSettings(threshold=3.0)
