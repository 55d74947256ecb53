"""Word timings carried over normalisation (one token -> several words)."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest

from voxtune.text.normalise import NormaliseError, normalise, realign_words

HERE = Path(__file__).parent


def test_a_number_token_is_split_by_letters() -> None:
    result = normalise("order 1296803", "en")
    words = realign_words([("order", 0.0, 0.4), ("1296803", 0.5, 2.6)], result)
    assert [w for w, _, _ in words] == result.words
    assert words[0] == ("order", 0.0, 0.4)
    digits = words[1:]
    assert digits[0][1] == 0.5 and digits[-1][2] == 2.6
    letters = [len(w) for w, _, _ in digits]  # one two nine six eight zero three
    total = sum(letters)
    for (_word, start, end), n in zip(digits, letters, strict=True):
        assert end - start == pytest.approx(2.1 * n / total)
    assert all(a[2] == pytest.approx(b[1]) for a, b in itertools.pairwise(digits))


def test_several_original_words_share_one_span() -> None:
    """ASR splits "RM 25.90" into two words; their joint span goes to all the spoken words."""
    result = normalise("harga RM 25.90 je", "ms")
    timed = [("harga", 0.0, 0.5), ("RM", 0.6, 0.9), ("25.90", 1.0, 2.0), ("je", 2.1, 2.3)]
    words = realign_words(timed, result)
    assert [w for w, _, _ in words] == result.words
    money = words[1:-1]
    assert [w for w, _, _ in money] == ["dua", "puluh", "lima", "ringgit", "sembilan", "puluh", "sen"]
    assert money[0][1] == 0.6 and money[-1][2] == 2.0
    assert words[-1] == ("je", 2.1, 2.3)


def test_words_with_punctuation_and_dropped_tokens() -> None:
    result = normalise("Hello -- world, it's 3.", "en")
    timed = [
        ("Hello", 0.0, 0.3),
        ("--", 0.3, 0.4),
        ("world,", 0.5, 0.9),
        ("it's", 1.0, 1.2),
        ("3.", 1.3, 1.6),
    ]
    words = realign_words(timed, result)
    assert words == [("Hello", 0.0, 0.3), ("world,", 0.5, 0.9), ("it's", 1.0, 1.2), ("three.", 1.3, 1.6)]


def test_untimed_tokens_share_the_gap_between_neighbours() -> None:
    result = normalise("Tom & Jerry", "en")
    words = realign_words([("Tom", 0.0, 0.4), ("Jerry", 1.0, 1.5)], result)
    assert words == [("Tom", 0.0, 0.4), ("and", 0.4, 1.0), ("Jerry", 1.0, 1.5)]


def test_an_unknown_word_is_an_alignment_mismatch() -> None:
    result = normalise("order 1296803", "en")
    with pytest.raises(NormaliseError) as caught:
        realign_words([("order", 0.0, 0.4), ("12345", 0.5, 1.0)], result)
    assert caught.value.code == "alignment_mismatch"
    with pytest.raises(NormaliseError):
        realign_words([("order", 0.4, 0.0)], result)


def _all_cases() -> list[tuple[str, str]]:
    cases = []
    for path in sorted(HERE.glob("test_normalise_??.py")):
        spec = importlib.util.spec_from_file_location(f"_realign_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += [(path.stem[-2:], text) for text, _ in module.CASES]
    return cases


def test_invariants_over_every_table_case() -> None:
    """Monotonic, inside the original span, ends kept, words equal to the spoken words."""
    for language, text in _all_cases():
        result = normalise(text, language)
        timed = [(w, 1.0 * i, 1.0 * i + 0.8) for i, w in enumerate(text.split())]
        words = realign_words(timed, result)
        assert [w for w, _, _ in words] == result.words, (language, text)
        assert all(start <= end for _, start, end in words), (language, text)
        assert all(a[2] <= b[1] + 1e-9 for a, b in itertools.pairwise(words)), (language, text)
        if result.tokens[0].words:
            assert words[0][1] == 0.0, (language, text)
        if result.tokens[-1].words:
            assert words[-1][2] == timed[-1][2], (language, text)
