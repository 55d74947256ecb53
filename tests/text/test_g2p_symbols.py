from __future__ import annotations

import pytest

from voxtune.text.g2p import g2p_for
from voxtune.text.g2p.espeak import parse_raw
from voxtune.text.g2p.symbols import (
    count_stress,
    count_symbols,
    plain,
    split_phonemes,
    tie_symbols,
)
from voxtune.text.words import word_texts


@pytest.mark.parametrize(
    ("tied", "symbols"),
    [
        ("t͡sˈa͡ɪt", ["ts", "ˈ", "aɪ", "t"]),  # German Zeit: affricate and diphthong
        ("bʰˈaːʂa", ["bʰ", "ˈ", "aː", "ʂ", "a"]),  # aspiration and length stay attached
        ("bɔ̃ʒˈuʁ", ["b", "ɔ̃", "ʒ", "ˈ", "u", "ʁ"]),  # nasal vowel with combining tilde
        ("ʋˈεɐ̯dən", ["ʋ", "ˈ", "ε", "ɐ̯", "d", "ə", "n"]),  # non-syllabic mark
        ("ɑː͡ɹ", ["ɑːɹ"]),  # tie after a length mark
        ("twˈɛnti wˈʌn", ["t", "w", "ˈ", "ɛ", "n", "t", "i", " ", "w", "ˈ", "ʌ", "n"]),
    ],
)
def test_split_phonemes_known_cuts(tied: str, symbols: list[str]) -> None:
    assert split_phonemes(tied) == symbols
    assert tie_symbols(symbols) == tied


def test_tie_symbols_matches_espeak_own_tied_output_across_languages() -> None:
    """Writing our symbols back with ties reproduces espeak's tie placement exactly."""
    samples = {
        "en": "the quick brown fox jumps over the lazy dog and our fire hire royal theory",
        "de": "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich",
        "sv": "Sju sjuksköterskor skötte sjuttiosju sjösjuka sjömän",
        "da": "Rødgrød med fløde er en dansk ret",
        "te": "నేను తెలుగు మాట్లాడతాను",
        "lb": "Lëtzebuerg ass e schéint Land",
    }
    checked = 0
    for lang, text in samples.items():
        raw = g2p_for(lang)._espeak.raw(" ".join(word_texts(text)))
        for chunk in parse_raw(raw):
            assert tie_symbols(split_phonemes(chunk.tied)) == chunk.tied
            checked += 1
    assert checked > 40


def test_plain_and_stress_helpers() -> None:
    symbols = ["ˌ", "ɛ", "k", "s", " ", "k", "ˈ", "eɪ"]
    assert plain(symbols) == "ɛkskeɪ"
    assert count_stress(symbols) == 2


def test_count_symbols_skips_spaces_and_optionally_stress() -> None:
    sequences = [["ˈ", "a", " ", "b"], ["a", "ˌ", "aɪ"]]
    assert count_symbols(sequences) == {"a": 2, "b": 1, "aɪ": 1}
    assert count_symbols(sequences, include_stress=True) == {
        "a": 2, "b": 1, "aɪ": 1, "ˈ": 1, "ˌ": 1,
    }  # fmt: skip


def test_parse_raw_attributes_flags_to_chunks() -> None:
    # Malay voice: "the" switched to English, then back to the voice's own flag (id).
    chunks = parse_raw("sˈajə tˈo (͡e͡n)ðə(͡i͡d) mˈal")
    assert [(c.tied, c.switched_to) for c in chunks] == [
        ("sˈajə", ()),
        ("tˈo", ()),
        ("ðə", ("en",)),
        ("mˈal", ()),
    ]
    # Nested: English for the script name, Telugu for the letter; home (no) only at the end.
    nested = parse_raw("(͡e͡n)tˈɛluɡu(͡t͡e)nˈa ˈuːk(͡n͡o)")
    assert [c.switched_to for c in nested] == [("en", "te"), ("te",)]
    assert parse_raw("lə- mˈɔ̃d") == parse_raw("lə mˈɔ̃d")
