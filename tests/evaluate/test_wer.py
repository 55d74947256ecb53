from __future__ import annotations

import random
import unicodedata

import pytest

from voxtune.evaluate.metrics.wer import character_error_rate, normalise_text, word_error_rate


def _edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Plain Levenshtein distance, written independently of jiwer."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def test_counts_and_both_aggregates_on_a_constructed_case():
    refs = ["the cat sat on the mat", "hello world"]
    hyps = ["the bat sat on mat", "hello big world"]
    result = word_error_rate(refs, hyps)
    assert (result.substitutions, result.deletions, result.insertions) == (1, 1, 1)
    assert result.hits == 6
    assert result.reference_units == 8
    assert result.corpus_rate == pytest.approx(3 / 8)
    assert result.mean_utterance_rate == pytest.approx((2 / 6 + 1 / 2) / 2)
    assert result.utterance_rates == pytest.approx((2 / 6, 1 / 2))


def test_normalisation_ignores_case_punctuation_and_unicode_form():
    decomposed = unicodedata.normalize("NFD", "Café, déjà-vu!")
    assert normalise_text(decomposed) == "café déjà vu"
    assert normalise_text("Don't  STOP…  now") == "dont stop now"
    result = word_error_rate(["Café, déjà-vu!"], [decomposed.upper()])
    assert result.corpus_rate == 0.0


def test_telugu_vowel_signs_survive_and_danda_goes():
    text = "నేను రేపు వస్తాను।"
    assert normalise_text(text) == "నేను రేపు వస్తాను"


def test_turkish_dotted_i():
    assert normalise_text("İSTANBUL IŞIK", language="tr") == "istanbul ışık"


def test_custom_normaliser_replaces_default():
    result = word_error_rate(["I have 3 cats"], ["i have three cats"], normalise=_spoken)
    assert result.corpus_rate == 0.0


def _spoken(text: str) -> str:
    return normalise_text(text.replace("3", "three"))


def test_cer_works_without_spaces():
    result = character_error_rate(["今日は良い天気です"], ["今日は悪い天気"])
    # 9 reference characters: one substitution (良->悪) and two deletions (で, す).
    assert (result.substitutions, result.deletions, result.insertions) == (1, 2, 0)
    assert result.corpus_rate == pytest.approx(3 / 9)


def test_missing_and_empty_references_are_counted_not_scored():
    result = word_error_rate(["a b", None, "?!"], ["a b", "x", "y"], item_ids=["u1", "u2", "u3"])
    assert result.scored_items == ("u1",)
    assert [(f.item, f.code) for f in result.failures] == [
        ("u2", "missing_reference"),
        ("u3", "empty_reference"),
    ]
    assert result.corpus_rate == 0.0


def test_missing_hypothesis_scores_as_all_deletions():
    result = word_error_rate(["one two three"], [None])
    assert result.deletions == 3
    assert result.corpus_rate == 1.0
    assert result.missing_hypotheses == 1


def test_nothing_scorable_gives_nan_not_a_crash():
    result = word_error_rate([None], ["x"])
    assert result.utterances_scored == 0
    assert result.corpus_rate != result.corpus_rate  # NaN


def test_mismatched_lengths_are_a_programming_error():
    with pytest.raises(ValueError, match="pair up"):
        word_error_rate(["a"], [])


def test_word_and_character_counts_match_an_independent_levenshtein():
    rng = random.Random(7)
    vocab = ["lah", "leh", "lor", "meh", "saya", "makan", "nasi", "ok"]
    refs = [" ".join(rng.choices(vocab, k=rng.randint(1, 8))) for _ in range(40)]
    hyps = [" ".join(rng.choices(vocab, k=rng.randint(0, 8))) for _ in range(40)]
    words = word_error_rate(refs, hyps)
    chars = character_error_rate(refs, hyps)
    assert words.substitutions + words.deletions + words.insertions == sum(
        _edit_distance(r.split(), h.split()) for r, h in zip(refs, hyps, strict=True)
    )
    assert chars.substitutions + chars.deletions + chars.insertions == sum(
        _edit_distance(list(r), list(h)) for r, h in zip(refs, hyps, strict=True)
    )
    assert chars.reference_units == sum(len(r) for r in refs)
