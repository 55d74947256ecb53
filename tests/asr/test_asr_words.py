"""Grouping Whisper tokens into timed words: known answers on a byte vocabulary, and transformers' rules."""

from __future__ import annotations

import numpy as np
import pytest

from support.tiny_models import tiny_whisper_dir
from voxtune.asr.transcript import Word
from voxtune.asr.words import tidy_word_times, token_spans, tokens_to_words

SPECIAL = 100
"""Ids from here on are special or timestamp tokens in the fake vocabulary."""


class ByteVocab:
    """Token ids for byte strings, decoded like a byte-level BPE (broken UTF-8 shows as U+FFFD)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def ids(self, *pieces: str | bytes) -> list[int]:
        out = []
        for piece in pieces:
            data = piece.encode() if isinstance(piece, str) else piece
            if data not in self.pieces:
                self.pieces.append(data)
            out.append(self.pieces.index(data))
        return out

    def decode(self, ids: list[int]) -> str:
        return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")


def group(vocab: ByteVocab, ids: list[int], times: list[float]) -> list[Word]:
    return tokens_to_words(ids, times, is_text=lambda token: token < SPECIAL, decode=vocab.decode)


def test_token_spans_run_from_the_previous_time() -> None:
    assert token_spans([0.0, 0.4, 0.4, 1.0]) == [(0.0, 0.0), (0.0, 0.4), (0.4, 0.4), (0.4, 1.0)]


def test_words_start_at_spaces_and_take_their_tokens_times() -> None:
    vocab = ByteVocab()
    ids = [SPECIAL, *vocab.ids(" Hel", "lo", " wor", "ld"), SPECIAL + 1]
    times = [0.0, 0.2, 0.5, 0.6, 0.9, 0.9]
    assert group(vocab, ids, times) == [Word("Hello", 0.0, 0.5), Word("world", 0.5, 0.9)]


def test_punctuation_joins_the_right_neighbour() -> None:
    vocab = ByteVocab()
    ids = vocab.ids(" Hi", ",", " (", "you", ")", ".", " -", "ok", " &")
    times = [0.1 * (i + 1) for i in range(len(ids))]
    words = group(vocab, ids, times)
    assert [w.text for w in words] == ["Hi,", "(you).", "-ok", "&"]
    assert words[1] == Word("(you).", pytest.approx(0.2), pytest.approx(0.6))


def test_a_character_split_over_byte_tokens_is_one_unit() -> None:
    vocab = ByteVocab()
    telugu = "తెలుగు".encode()
    ids = vocab.ids(b" " + telugu[:2], telugu[2:7], telugu[7:], " bagundi")
    words = group(vocab, ids, [0.1, 0.2, 0.3, 0.8])
    assert words == [Word("తెలుగు", 0.0, 0.3), Word("bagundi", 0.3, 0.8)]


def test_bytes_that_never_form_a_character_stay_a_unit_of_their_own() -> None:
    vocab = ByteVocab()
    ids = vocab.ids(" ab", b"\xe0", "cd")
    words = group(vocab, ids, [0.1, 0.2, 0.3])
    assert words == [Word("ab\ufffdcd", 0.0, 0.3)]


def test_words_never_span_a_timestamp_token() -> None:
    vocab = ByteVocab()
    ids = [*vocab.ids(" one", "two"), SPECIAL + 5, *vocab.ids("three")]
    words = group(vocab, ids, [0.1, 0.2, 0.3, 0.4])
    assert words == [Word("onetwo", 0.0, 0.2), Word("three", 0.3, 0.4)]


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="3 tokens but 2"):
        tokens_to_words([1, 2, 3], [0.1, 0.2], is_text=lambda t: True, decode=str)


def test_grouping_matches_transformers_on_random_whisper_token_runs() -> None:
    """transformers' own (private) word grouping, with the same span rule, is the reference."""
    whisper_tokenization = pytest.importorskip("transformers.models.whisper.tokenization_whisper")
    reference = getattr(whisper_tokenization, "_combine_tokens_into_words", None)
    if reference is None:
        pytest.skip("this transformers version has no _combine_tokens_into_words to compare with")
    from transformers import WhisperProcessor

    from voxtune.demo.sentences import LANGUAGE_SENTENCES

    tokenizer = WhisperProcessor.from_pretrained(tiny_whisper_dir()).tokenizer
    sentences = [s for group in LANGUAGE_SENTENCES.values() for s in group]
    pool = sorted({t for s in sentences for t in tokenizer(" " + s, add_special_tokens=False).input_ids})
    rng = np.random.default_rng(3)
    compared = 0
    for _ in range(200):
        length = int(rng.integers(1, 25))
        ids = [
            int(rng.choice(pool)) if rng.random() < 0.8 else int(rng.integers(0, 600)) for _ in range(length)
        ]
        times = np.round(np.cumsum(rng.uniform(0, 0.3, size=length)), 2).tolist()
        ours = tokens_to_words(ids, times, is_text=lambda t: True, decode=tokenizer.decode)
        texts, _, indices = reference(tokenizer, ids)
        if sum(len(group) for group in indices) < len(ids):
            continue  # transformers drops trailing bytes that never decode; we keep them
        compared += 1
        spans = token_spans(times)
        expected = [
            (text.strip(), spans[group[0]][0], spans[group[-1]][1])
            for text, group in zip(texts, indices, strict=True)
            if text.strip()
        ]
        assert [(w.text, w.start, w.end) for w in ours] == expected, tokenizer.convert_ids_to_tokens(ids)
    assert compared > 150


def test_tidy_word_times_clip_to_the_clip_and_never_go_back() -> None:
    words = [Word("a", -0.1, 0.3), Word("b", 0.2, 0.5, 0.9), Word("c", 0.45, 0.4), Word("d", 1.9, 2.6)]
    assert tidy_word_times(words, 2.0) == [
        Word("a", 0.0, 0.3),
        Word("b", 0.3, 0.5, 0.9),
        Word("c", 0.5, 0.5),
        Word("d", 1.9, 2.0),
    ]
