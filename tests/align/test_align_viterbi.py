"""CTC Viterbi: known paths, brute-force cross-check, repeats, star wildcard, errors, memory."""

from __future__ import annotations

import itertools
import math
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from scipy.special import logsumexp

from voxtune.align.ctc_viterbi import (
    STAR,
    StarToken,
    ctc_forced_align,
    min_frames_needed,
)
from voxtune.align.errors import AlignmentError

BLANK = 0


def favouring(path: list[int], num_classes: int, *, high: float = 0.9) -> torch.Tensor:
    """Emissions whose per-frame argmax is ``path`` (a ``STAR`` entry makes all classes equal)."""
    probs = np.full((len(path), num_classes), (1 - high) / (num_classes - 1))
    for frame, label in enumerate(path):
        if label == STAR:
            probs[frame] = 1 / num_classes
        else:
            probs[frame, label] = high
    return torch.from_numpy(np.log(probs))


def collapse(labels: tuple[int, ...], blank: int) -> list[int]:
    """CTC's many-to-one map: merge runs of a label, then drop blanks."""
    return [label for label, _ in itertools.groupby(labels) if label != blank]


def matches(collapsed: list[int], targets: list[int], star_label: int) -> bool:
    """Whether a collapsed sequence reads as ``targets``, each STAR standing for 0+ star frames."""
    if not targets:
        return not collapsed
    head, rest = targets[0], targets[1:]
    if head == STAR:
        i = 0
        while True:
            if matches(collapsed[i:], rest, star_label):
                return True
            if i < len(collapsed) and collapsed[i] == star_label:
                i += 1
            else:
                return False
    return bool(collapsed) and collapsed[0] == head and matches(collapsed[1:], rest, star_label)


def brute_force(log_probs: np.ndarray, targets: list[int], star: StarToken):
    """Best score and every label sequence reaching it, by enumerating all frame labellings."""
    num_frames, num_classes = log_probs.shape
    table = log_probs
    if STAR in targets:
        non_blank = np.delete(log_probs, BLANK, axis=1)
        pooled = non_blank.max(axis=1) if star.mode == "max" else logsumexp(non_blank, axis=1)
        table = np.concatenate([log_probs, (pooled - star.penalty)[:, None]], axis=1)
    scored = []
    for labels in itertools.product(range(table.shape[1]), repeat=num_frames):
        if matches(collapse(labels, BLANK), targets, num_classes):
            scored.append((sum(table[t, label] for t, label in enumerate(labels)), labels))
    best = max(score for score, _ in scored)
    return best, [labels for score, labels in scored if score > best - 1e-9], table


def test_recovers_the_path_the_emissions_favour():
    targets = [1, 2, 2, 3]
    path = [0, 1, 1, 0, 2, 0, 2, 3, 3, 0]
    result = ctc_forced_align(favouring(path, 4), targets)
    assert result.frame_labels.tolist() == path
    assert [(s.start, s.end) for s in result.spans] == [(1, 3), (4, 5), (6, 7), (7, 9)]
    assert result.frame_targets.tolist() == [-1, 0, 0, -1, 1, -1, 2, 3, 3, -1]
    assert all(s.score == pytest.approx(0.9) for s in result.spans)
    assert result.log_prob == pytest.approx(10 * math.log(0.9))


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_over_all_paths(seed: int):
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(40):
        num_frames = int(rng.integers(1, 7))
        num_classes = int(rng.integers(2, 4))
        log_probs = torch.log_softmax(torch.from_numpy(rng.normal(size=(num_frames, num_classes)) * 2), 1)
        targets = [int(t) for t in rng.integers(1, num_classes, size=int(rng.integers(0, 4)))]
        if seed % 2:  # sprinkle stars, never two in a row
            with_stars: list[int] = []
            for token in [*targets, None]:
                if rng.random() < 0.5 and (not with_stars or with_stars[-1] != STAR):
                    with_stars.append(STAR)
                if token is not None:
                    with_stars.append(token)
            targets = with_stars
        star = StarToken(mode="max" if rng.random() < 0.5 else "logsumexp", penalty=float(rng.random() * 2))
        if num_frames < min_frames_needed(targets):
            with pytest.raises(AlignmentError):
                ctc_forced_align(log_probs, targets, star=star)
            continue
        best, best_paths, table = brute_force(log_probs.numpy(), targets, star)
        result = ctc_forced_align(log_probs, targets, star=star)
        labels = tuple(num_classes if x == STAR else x for x in result.frame_labels.tolist())
        assert result.log_prob == pytest.approx(best, abs=1e-9)
        assert labels in best_paths
        assert sum(table[t, label] for t, label in enumerate(labels)) == pytest.approx(best, abs=1e-9)
        checked += 1
    assert checked > 20


def test_repeated_token_keeps_a_blank_between_even_when_emissions_say_otherwise():
    log_probs = favouring([1, 1, 1], 3)
    result = ctc_forced_align(log_probs, [1, 1])
    assert result.frame_labels.tolist() == [1, 0, 1]
    assert [(s.start, s.end) for s in result.spans] == [(0, 1), (2, 3)]


def test_different_tokens_need_no_blank_between():
    result = ctc_forced_align(favouring([1, 2], 3), [1, 2])
    assert result.frame_labels.tolist() == [1, 2]


def test_blank_id_other_than_zero():
    path = [2, 0, 2, 1, 1, 2]
    result = ctc_forced_align(favouring(path, 3), [0, 1], blank=2)
    assert result.frame_labels.tolist() == path


def _with_inserted_speech() -> torch.Tensor:
    """Emissions of "a b" with untranscribed speech between: x, y, z spikes separated by blanks."""
    a, b, x, y, z = 1, 2, 3, 4, 5
    path = [0, a, a, 0, 0, x, 0, 0, y, 0, 0, z, 0, 0, b, b, 0]
    return favouring(path, 6, high=0.95)


def test_star_absorbs_inserted_untranscribed_speech():
    log_probs = _with_inserted_speech()
    plain = ctc_forced_align(log_probs, [1, 2])
    starred = ctc_forced_align(log_probs, [1, STAR, 2])
    a, star_span, b = starred.spans
    assert (a.start, a.end) == (1, 3)
    assert (b.start, b.end) == (14, 16)
    assert (star_span.start, star_span.end) == (5, 12)
    labels = starred.frame_labels.tolist()
    assert [labels[i] for i in (5, 8, 11)] == [STAR, STAR, STAR]
    assert [labels[i] for i in (6, 7, 9, 10)] == [0, 0, 0, 0]  # blanks between spikes stay blank
    assert starred.log_prob > plain.log_prob + 3  # three spikes no longer forced onto wrong labels
    expected = StarToken().frame_log_probs(log_probs, 0)[[5, 8, 11]].exp().mean()
    assert star_span.score == pytest.approx(float(expected))


def test_star_takes_nothing_when_everything_is_transcribed():
    path = [0, 1, 1, 0, 2, 2, 0]
    log_probs = favouring(path, 3)
    plain = ctc_forced_align(log_probs, [1, 2])
    starred = ctc_forced_align(log_probs, [STAR, 1, STAR, 2, STAR])
    assert starred.frame_labels.tolist() == plain.frame_labels.tolist() == path
    assert [s.num_frames for s in starred.spans] == [0, 2, 0, 2, 0]
    assert starred.spans[2].start == starred.spans[3].start  # the skipped star sits where b begins
    assert starred.log_prob == pytest.approx(plain.log_prob)


def test_leading_star_absorbs_speech_before_the_transcript():
    path = [0, 3, 0, 4, 0, 1, 1, 0, 2, 0]
    result = ctc_forced_align(favouring(path, 5), [STAR, 1, 2])
    star_span, a, b = result.spans
    assert (star_span.start, star_span.end) == (1, 4)
    assert (a.start, a.end, b.start, b.end) == (5, 7, 8, 9)


def test_star_penalty_keeps_it_out_of_transcribed_speech():
    log_probs = _with_inserted_speech()
    costly = ctc_forced_align(log_probs, [1, STAR, 2], star=StarToken(penalty=50.0))
    assert costly.spans[1].num_frames == 0


def test_star_scores_by_max_or_logsumexp_over_non_blank_classes():
    rng = np.random.default_rng(3)
    log_probs = torch.log_softmax(torch.from_numpy(rng.normal(size=(8, 5))), 1)
    non_blank = np.delete(log_probs.numpy(), 2, axis=1)
    by_max = StarToken(mode="max", penalty=0.5).frame_log_probs(log_probs, blank=2)
    by_lse = StarToken(mode="logsumexp", penalty=0.25).frame_log_probs(log_probs, blank=2)
    np.testing.assert_allclose(by_max.numpy(), non_blank.max(axis=1) - 0.5)
    np.testing.assert_allclose(by_lse.numpy(), logsumexp(non_blank, axis=1) - 0.25)
    with pytest.raises(ValueError, match="mode"):
        StarToken(mode="mean")  # type: ignore[arg-type]


def test_target_that_cannot_fit_raises_an_item_error():
    with pytest.raises(AlignmentError) as caught:
        ctc_forced_align(favouring([1, 0, 1], 3), [1, 1, 2])
    assert caught.value.code == "target_too_long"
    assert caught.value.details == {"frames": 3, "frames_needed": 4}
    assert "4 frames" in caught.value.reason


def test_impossible_emissions_raise_no_path():
    log_probs = favouring([0, 1, 0, 0], 3)
    log_probs[:, 2] = -math.inf
    with pytest.raises(AlignmentError) as caught:
        ctc_forced_align(log_probs, [1, 2])
    assert caught.value.code == "no_path"


def test_alignment_error_survives_pickling():
    error = AlignmentError("unknown_tokens", "2 characters are not in the vocabulary", tokens=["1", "2"])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.reason, copy.details) == (error.code, error.reason, error.details)


@pytest.mark.parametrize(
    ("targets", "message"),
    [([1, STAR, STAR, 2], "two STARs"), ([1, 0], "blank"), ([1, 7], "outside")],
)
def test_malformed_targets_are_programming_errors(targets: list[int], message: str):
    with pytest.raises(ValueError, match=message):
        ctc_forced_align(favouring([1, 0, 2, 0], 3), targets)


def test_empty_targets_give_an_all_blank_path():
    result = ctc_forced_align(favouring([1, 2, 0], 3), [])
    assert result.frame_labels.tolist() == [0, 0, 0]
    assert result.spans == []


def test_checkpointed_trellis_gives_the_same_path_in_bounded_memory():
    generator = torch.Generator().manual_seed(7)
    log_probs = torch.log_softmax(torch.randn(400, 20, generator=generator) * 3, 1)
    targets = [int(t) for t in torch.randint(1, 20, (60,), generator=generator)]
    targets = [STAR, *targets[:30], STAR, *targets[30:], STAR]
    full = ctc_forced_align(log_probs, targets)
    states = 2 * len(targets) + 1
    for budget in (1, states * 13, states * 100):
        small = ctc_forced_align(log_probs, targets, max_backpointer_bytes=budget)
        assert torch.equal(small.frame_labels, full.frame_labels)
        assert small.spans == full.spans
        assert small.log_prob == full.log_prob


def test_half_precision_emissions_are_aligned_in_float32():
    path = [0, 1, 0, 2, 2, 0]
    result = ctc_forced_align(favouring(path, 3).half(), [1, 2])
    assert result.frame_labels.tolist() == path


def test_torch_thread_count_is_restored_after_concurrent_alignments():
    before = torch.get_num_threads()
    generator = torch.Generator().manual_seed(11)
    log_probs = torch.log_softmax(torch.randn(300, 10, generator=generator), 1)
    targets = [int(t) for t in torch.randint(1, 10, (40,), generator=generator)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: ctc_forced_align(log_probs, targets), range(8)))
    assert torch.get_num_threads() == before
    assert all(torch.equal(r.frame_labels, results[0].frame_labels) for r in results)
