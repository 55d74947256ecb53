"""The per-frame text stream: tokens at their (delayed) word frame, end-of-padding before, else padding."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.errors import ItemError
from voxtune.models.kyutai.text_stream import (
    END_OF_PADDING_ID as E,
)
from voxtune.models.kyutai.text_stream import (
    PAD_ID as P,
)
from voxtune.models.kyutai.text_stream import TokenizedWord, stream_tokens, text_stream

RATE = 12.5  # 80 ms frames


def test_words_start_at_their_frame_with_end_of_padding_before():
    # 0.25 s -> frame 3 (0.24-0.32 s); 0.80 s -> frame 10 exactly
    words = [TokenizedWord((21, 22), 0.25, 0.5), TokenizedWord((30,), 0.80, 1.0)]
    stream = text_stream(words, 14, RATE)
    expected = [P, P, E, 21, 22, P, P, P, P, E, 30, P, P, P]
    assert stream.tolist() == expected


def test_a_delay_moves_every_word_later_by_whole_frames_of_time():
    words = [TokenizedWord((21,), 0.25, 0.5)]
    # 0.25 + 0.5 = 0.75 s -> frame 9
    stream = text_stream(words, 12, RATE, delay=0.5)
    assert stream.tolist() == [P] * 8 + [E, 21, P, P]


def test_a_word_starting_at_zero_gets_no_end_of_padding():
    assert text_stream([TokenizedWord((7, 8), 0.0, 0.3)], 4, RATE).tolist() == [7, 8, P, P]


def test_crowded_words_follow_each_other_and_no_token_is_dropped():
    # three words whose frames collide: the later ones are pushed right, in order
    words = [
        TokenizedWord((11, 12, 13), 0.0, 0.1),
        TokenizedWord((21, 22), 0.1, 0.2),
        TokenizedWord((31,), 0.15, 0.3),
    ]
    stream = text_stream(words, 8, RATE)
    assert stream.tolist() == [11, 12, 13, 21, 22, 31, P, P]
    assert stream_tokens(stream) == [11, 12, 13, 21, 22, 31]


def test_unsorted_words_are_placed_in_time_order():
    words = [TokenizedWord((30,), 0.8, 1.0), TokenizedWord((21,), 0.25, 0.5)]
    assert stream_tokens(text_stream(words, 14, RATE)) == [21, 30]


def test_text_that_runs_past_the_audio_is_an_item_error_with_the_frame_counts():
    with pytest.raises(ItemError) as caught:
        text_stream([TokenizedWord((1, 2, 3), 0.5, 0.7)], 8, RATE, delay=0.1)
    assert caught.value.code == "text_does_not_fit"
    assert caught.value.details == {"frames_needed": 10, "frames": 8}


def test_a_word_before_the_audio_is_refused():
    with pytest.raises(ItemError) as caught:
        text_stream([TokenizedWord((1,), -0.2, 0.1)], 8, RATE)
    assert caught.value.code == "negative_word_start"


def test_other_padding_ids_are_honoured():
    stream = text_stream([TokenizedWord((5,), 0.2, 0.3)], 4, RATE, pad_id=9, end_of_padding_id=8)
    assert stream.tolist() == [9, 8, 5, 9]
    assert stream_tokens(np.array([9, 8, 5, 9]), pad_ids=(9, 8)) == [5]
