"""CSM's incremental generation: audio handed over in growing pieces as frames are generated, the same
frames as one-shot generation with the same seed, stoppable by the receiver."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voxtune.models.base import GenerationRequest, ModelFamily
from voxtune.models.csm.generate import FIRST_PIECE_FRAMES
from voxtune.models.registry import get_family

FAMILY = get_family("csm")
HOP = 1920  # Mimi: 24 kHz / 12.5 frames per second


@pytest.fixture(scope="module")
def loaded(tiny_csm: Path):
    return FAMILY.load(tiny_csm)


def test_pieces_join_to_the_one_shot_audio_before_its_trim(loaded) -> None:
    settings = FAMILY.settings({"max_seconds": 1.0, "seconds_per_character": 0.1})
    request = GenerationRequest(text="one two three", speaker="0")
    (whole,) = FAMILY.generate(loaded, [request], settings, seed=3)
    pieces: list[np.ndarray] = []
    streamed = FAMILY.generate_incremental(loaded, request, settings, pieces.append, seed=3)
    assert FAMILY.streams_audio and len(pieces) >= 3
    assert len(pieces[0]) == (FIRST_PIECE_FRAMES - 1) * HOP  # the newest frame waits for the next
    assert all(len(p) % HOP == 0 for p in pieces) and len(pieces[1]) > len(pieces[0])
    joined = np.concatenate(pieces)
    assert np.array_equal(joined, streamed.audio) and streamed.stopped == whole.stopped
    assert len(joined) == 13 * HOP  # 1 s at 12.5 frames/s, rounded up: the budget, untrimmed
    assert len(joined) >= len(whole.audio)
    assert np.allclose(joined[: len(whole.audio)], whole.audio, atol=1e-5)  # prefix decodes are exact


def test_the_receiver_can_stop_generation_and_nothing_leaks(loaded) -> None:
    settings = FAMILY.settings({"max_seconds": 1.0})
    request = GenerationRequest(text="four five", speaker="0")
    (before,) = FAMILY.generate(loaded, [request], settings, seed=5)
    received: list[int] = []

    def hang_up(piece: np.ndarray) -> None:
        received.append(len(piece))
        raise ConnectionAbortedError("client went away")

    loaded.model.train()
    with pytest.raises(ConnectionAbortedError):
        FAMILY.generate_incremental(loaded, request, settings, hang_up, seed=5)
    assert received == [(FIRST_PIECE_FRAMES - 1) * HOP] and loaded.model.training  # mode restored
    loaded.model.eval()
    (after,) = FAMILY.generate(loaded, [request], settings, seed=5)
    assert np.array_equal(after.audio, before.audio)


def test_families_that_cannot_stream_hand_over_everything_at_once(loaded) -> None:
    settings = FAMILY.settings({"max_seconds": 0.5})
    request = GenerationRequest(text="six", speaker="0")
    pieces: list[np.ndarray] = []
    result = ModelFamily.generate_incremental(FAMILY, loaded, request, settings, pieces.append, seed=2)
    (whole,) = FAMILY.generate(loaded, [request], settings, seed=2)
    assert (
        len(pieces) == 1
        and np.array_equal(pieces[0], whole.audio)
        and np.array_equal(result.audio, whole.audio)
    )
