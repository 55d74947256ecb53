"""Unit spans to frame durations: exact totals, half-frame boundaries, minimums, frame counts."""

from __future__ import annotations

import itertools

import librosa
import numpy as np
import pytest

from voxtune.align.durations import count_frames, frame_durations
from voxtune.align.errors import AlignmentError


@pytest.mark.parametrize(("samples", "hop"), [(24000, 300), (24001, 300), (12345, 240), (700, 300)])
def test_centred_frame_count_matches_librosa_stft(samples: int, hop: int):
    signal = np.random.default_rng(0).normal(size=samples).astype(np.float32)
    frames = librosa.stft(signal, n_fft=2 * hop, hop_length=hop, center=True).shape[1]
    assert count_frames(samples, hop) == frames
    assert count_frames(samples, hop, centered=False) == samples // hop


def test_gaps_split_at_midpoints_edges_go_to_the_outer_units():
    # hop 300 at 24 kHz is 80 frames per second
    spans = [(0.10, 0.20), (0.30, 0.50)]
    assert frame_durations(spans, total_frames=60, hop_length=300, sample_rate=24000) == [20, 40]
    padded = frame_durations(spans, total_frames=60, hop_length=300, sample_rate=24000, pad_edges=True)
    assert padded == [8, 12, 20, 20]


@pytest.mark.parametrize("seed", range(5))
def test_durations_add_up_exactly_and_boundaries_stay_within_half_a_frame(seed: int):
    rng = np.random.default_rng(seed)
    hop, rate = [(300, 24000), (240, 24000), (256, 22050)][seed % 3]
    seconds = float(rng.uniform(1, 8))
    total = count_frames(int(seconds * rate), hop)
    edges = np.sort(rng.uniform(0, seconds, size=2 * int(rng.integers(1, 60))))
    spans = [(float(a), float(b)) for a, b in edges.reshape(-1, 2)]
    durations = frame_durations(spans, total_frames=total, hop_length=hop, sample_rate=rate)
    assert sum(durations) == total
    assert len(durations) == len(spans) and min(durations) >= 0
    boundaries = np.cumsum(durations)[:-1]
    true_midpoints = [(end + start) / 2 * rate / hop for (_, end), (start, _) in itertools.pairwise(spans)]
    assert np.all(np.abs(boundaries - np.array(true_midpoints)) <= 0.5 + 1e-9)


def test_minimum_frames_are_guaranteed_without_changing_the_total():
    spans = [(0.100, 0.100), (0.101, 0.101), (0.102, 0.102), (0.5, 0.6)]
    loose = frame_durations(spans, total_frames=60, hop_length=300, sample_rate=24000)
    assert 0 in loose
    tight = frame_durations(spans, total_frames=60, hop_length=300, sample_rate=24000, min_frames=1)
    assert min(tight) >= 1 and sum(tight) == 60
    assert tight[-1] == loose[-1]  # boundaries far from the crowding do not move


def test_minimum_frames_that_cannot_fit_raise_an_item_error():
    with pytest.raises(AlignmentError) as caught:
        frame_durations([(0.0, 0.1)] * 5, total_frames=8, hop_length=300, sample_rate=24000, min_frames=2)
    assert caught.value.code == "durations_infeasible"
    assert caught.value.details == {"units": 5, "frames": 8}


def test_spans_out_of_order_are_refused():
    with pytest.raises(ValueError, match="out of time order"):
        frame_durations([(0.5, 0.6), (0.1, 0.2)], total_frames=80, hop_length=300, sample_rate=24000)
    with pytest.raises(ValueError, match="ends before"):
        frame_durations([(0.5, 0.4)], total_frames=80, hop_length=300, sample_rate=24000)
