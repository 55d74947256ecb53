"""Text and phonemes to CTC target ids: case matching, skipped symbols, unknown tokens, layout."""

from __future__ import annotations

import pytest

from voxtune.align.ctc_viterbi import STAR
from voxtune.align.errors import AlignmentError
from voxtune.align.targets import (
    character_ids,
    lay_out_targets,
    phoneme_ids,
    vocabulary_case,
)

UPPER = {c: i for i, c in enumerate("ABCDEHLORW'", start=5)}
LOWER = {c.lower(): i for c, i in UPPER.items()}
PHONEMES = {"h": 5, "ə": 6, "l": 7, "oʊ": 8, "w": 9, "ɜː": 10, "d": 11}


def test_vocabulary_case():
    assert vocabulary_case(UPPER) == "upper"
    assert vocabulary_case(LOWER) == "lower"
    assert vocabulary_case({**LOWER, "Q": 40}) is None
    assert vocabulary_case(PHONEMES) == "lower"


def test_characters_follow_the_vocabulary_case():
    assert character_ids(["Hello", "world"], UPPER) == [
        [UPPER[c] for c in "HELLO"],
        [UPPER[c] for c in "WORLD"],
    ]
    assert character_ids(["HeLLo"], LOWER) == [[LOWER[c] for c in "hello"]]


def test_punctuation_missing_from_the_vocabulary_is_kept_in_place_but_not_aligned():
    ids = character_ids(["'hello,", "world!"], LOWER)
    assert ids[0] == [
        LOWER["'"],
        *(LOWER[c] for c in "hello"),
        None,
    ]  # the apostrophe is in the vocab
    assert ids[1][-1] is None and len(ids[1]) == 6


def test_decomposed_text_is_composed_before_lookup():
    vocab = {"é": 5, "t": 6}
    assert character_ids(["e\u0301te\u0301"], vocab) == [[5, 6, 5]]


def test_unknown_characters_are_named_in_an_item_error():
    with pytest.raises(AlignmentError) as caught:
        character_ids(["hello", "2024", "caf€"], LOWER)
    assert caught.value.code == "unknown_tokens"
    assert caught.value.details["tokens"] == ["2", "0", "4", "f", "€"]
    assert "'2' (in '2024')" in caught.value.reason
    assert "'€' (in 'caf€')" in caught.value.reason


def test_phonemes_map_whole_symbols_and_skip_what_they_are_told():
    assert phoneme_ids([["h", "ə", "l", "oʊ"], ["w", "ɜː", "l", "d"]], PHONEMES) == [
        [5, 6, 7, 8],
        [9, 10, 7, 11],
    ]
    assert phoneme_ids([["h", "ˈ", "oʊ"]], PHONEMES, skip={"ˈ"}) == [[5, None, 8]]


def test_unknown_phonemes_are_named():
    with pytest.raises(AlignmentError) as caught:
        phoneme_ids([["h", "ə", "ʟ"], ["o", "ʊ"]], PHONEMES)
    assert caught.value.details["tokens"] == ["ʟ", "o", "ʊ"]
    assert "3 phonemes" in caught.value.reason


def test_phonemes_must_be_grouped_by_word():
    with pytest.raises(TypeError, match="per word"):
        phoneme_ids(["həloʊ"], PHONEMES)  # type: ignore[list-item]


def test_layout_puts_delimiters_between_words_only():
    layout = lay_out_targets([[5, 6], [7], [8, 9]], word_delimiter=4)
    assert layout.targets == [5, 6, 4, 7, 4, 8, 9]
    assert layout.positions == [[0, 1], [3], [5, 6]]
    assert layout.star_indices == []


def test_layout_without_a_delimiter_concatenates():
    assert lay_out_targets([[5, 6], [7]], word_delimiter=None).targets == [5, 6, 7]


def test_layout_stars_at_edges_or_between_words():
    edges = lay_out_targets([[5], [6]], word_delimiter=4, star="edges")
    assert edges.targets == [STAR, 5, 4, 6, STAR]
    assert edges.positions == [[1], [3]]
    assert edges.star_indices == [0, 4]
    words = lay_out_targets([[5], [6], [7]], word_delimiter=4, star="words")
    assert words.targets == [STAR, 5, 4, STAR, 6, 4, STAR, 7, STAR]
    assert words.star_indices == [0, 3, 6, 8]


def test_layout_skips_unaligned_symbols_and_empty_words_without_doubling_separators():
    layout = lay_out_targets([[5, None], [None], [6]], word_delimiter=4, star="words")
    assert layout.targets == [STAR, 5, 4, STAR, 6, STAR]
    assert layout.positions == [[1, None], [None], [4]]
    assert all(layout.targets[i] == STAR for i in layout.star_indices)
    assert lay_out_targets([[None]], word_delimiter=4, star="edges").targets == [STAR]
