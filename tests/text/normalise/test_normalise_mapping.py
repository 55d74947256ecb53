"""The token map: every original token, its character span, and the spoken words it became."""

from __future__ import annotations

import random

from voxtune.text.normalise import SUPPORTED_LANGUAGES, NormaliseError, normalise, realign_words


def test_original_is_kept_next_to_the_spoken_text() -> None:
    result = normalise("order 1296803", "en")
    assert result.original == "order 1296803"
    assert result.text == "order one two nine six eight zero three"
    assert result.language == "en"
    assert result.changed


def test_one_token_becomes_many_words() -> None:
    result = normalise("order 1296803", "en")
    order, number = result.tokens
    assert (order.text, order.start, order.end, order.words, order.kind) == (
        "order",
        0,
        5,
        ("order",),
        "word",
    )
    assert (number.text, number.start, number.end) == ("1296803", 6, 13)
    assert number.words == ("one", "two", "nine", "six", "eight", "zero", "three")
    assert number.kind == "digits"


def test_multi_chunk_tokens_span_their_spaces() -> None:
    result = normalise("Harga RM 25.90 je", "ms")
    money = result.tokens[1]
    assert money.text == "RM 25.90"
    assert (money.start, money.end) == (6, 14)
    assert money.kind == "money"
    phone = normalise("call +47 22 33 44 55 now", "nb").tokens[1]
    assert phone.text == "+47 22 33 44 55" and phone.kind == "digits"


def test_text_is_the_words_joined_and_tokens_are_ordered() -> None:
    texts = [
        ("Det koster 3,50 kr. Ring 22 33 44 55!", "nb"),
        ("“Quote,” he said — at 10:30 pm… (see #5)", "en"),
        ("am 3. Oktober 1990 um 10 Uhr", "de"),
        ("ధర ₹2.50 మాత్రమే, 2024లో", "te"),
    ]
    for text, language in texts:
        result = normalise(text, language)
        assert result.text == " ".join(result.words)
        assert result.words == result.text.split()
        ends = [t.end for t in result.tokens]
        starts = [t.start for t in result.tokens]
        assert all(a <= b for a, b in zip(ends, starts[1:], strict=False))
        for token in result.tokens:
            assert text[token.start : token.end] == token.text


def test_punctuation_is_glued_to_neighbouring_words() -> None:
    result = normalise("Hello , world ( yes ) - I have 3 !", "en")
    assert result.text == "Hello, world (yes) I have three!"
    kinds = [token.kind for token in result.tokens]
    assert kinds == ["word", "punctuation", "word", "punctuation", "word", "punctuation", "dropped",
                     "word", "word", "cardinal", "punctuation"]  # fmt: skip
    assert result.tokens[6].words == ()


def test_unchanged_text_reports_no_change() -> None:
    result = normalise("Saya nak go to the mall lah", "ms")
    assert not result.changed
    assert [t.words for t in result.tokens] == [(w,) for w in result.original.split()]


def test_empty_and_punctuation_only_text() -> None:
    assert normalise("", "en").tokens == ()
    assert normalise("   ", "en").text == ""
    assert normalise("...", "en").text == ""
    assert normalise("n° –", "fr").text == "n°"


PIECES = [
    "1", "12", "123", "2024", "0", "007", ".", ",", ":", "-", "–", "/", "(", ")", "+", "#", "%", "$",
    "€", "RM", "kr", "kr.", "am", "pm", "Uhr", "h", "st", "er", "e", "ª", "º", "వ", "లో", "ke-", " ", " ",
    " ", "a", "Oktober", "mai", "the", "in", "order", "1,250", "3,50", "2 500", "10:30", "9.15", "1.",
    "n°", "'", '"', "!", "?", "…", "million", "Mio.", "k", "s", "-year", "½", "²", "é", "\u0301",
]  # fmt: skip


def test_invariants_hold_on_random_text() -> None:
    """Seeded fuzzing: either a NormaliseError, or spans, words and realigned words stay consistent."""
    rng = random.Random(7)
    read = 0
    for _ in range(1500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))
        language = rng.choice(SUPPORTED_LANGUAGES)
        try:
            result = normalise(text, language)
        except NormaliseError:
            continue
        read += 1
        assert result.text == " ".join(result.words)
        assert all(text[t.start : t.end] == t.text for t in result.tokens)
        timed = [(w, float(i), i + 0.5) for i, w in enumerate(text.split())]
        assert [w for w, _, _ in realign_words(timed, result)] == result.words
    assert read > 500
