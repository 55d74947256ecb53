from __future__ import annotations

from voxtune.text.words import split_words, word_texts


def test_words_keep_apostrophes_and_hyphens_inside() -> None:
    assert word_texts("Don't stop, it's a well-known week-end!") == [
        "Don't", "stop", "it's", "a", "well-known", "week-end",
    ]  # fmt: skip


def test_telugu_words_are_not_cut_at_vowel_signs_or_virama() -> None:
    # U+0C46 vowel sign and U+0C4D virama are combining marks, which \\w would not match.
    assert word_texts("తెలుగు భాష నమస్కారం") == ["తెలుగు", "భాష", "నమస్కారం"]


def test_offsets_point_back_into_the_text() -> None:
    text = "  Saya nak,  go!"
    for word in split_words(text):
        assert text[word.start : word.end] == word.text


def test_clause_final_follows_punctuation_and_text_end() -> None:
    words = split_words('He said "no one", then left one.  I know what')
    finals = {w.text: w.clause_final for w in words}
    assert [w.clause_final for w in words] == [
        False, False, False, True, False, False, True, False, False, True,
    ]  # fmt: skip
    assert finals["left"] is False


def test_punctuation_and_emoji_are_not_words() -> None:
    assert word_texts("... 😀 — ok") == ["ok"]
    assert word_texts("21 apples") == ["21", "apples"]
