"""Grapheme-to-phoneme through espeak-ng: per-word IPA, coverage problems, Kokoro/misaki output."""

from voxtune.text.g2p.kokoro import (
    kokoro_unknown_symbols,
    kokoro_vocab,
    misaki_from_symbols,
    misaki_text,
    misaki_word,
    misaki_words,
)
from voxtune.text.g2p.phonemize import (
    EMPTY,
    LANGUAGE_SWITCH,
    SPELLED,
    CoverageReport,
    EspeakG2P,
    G2PIssue,
    Phonemized,
    WordPhonemes,
    coverage_report,
    g2p_for,
    phoneme_inventory,
    phonemize,
    phonemize_code_switched,
)
from voxtune.text.g2p.symbols import split_phonemes

__all__ = [
    "EMPTY",
    "LANGUAGE_SWITCH",
    "SPELLED",
    "CoverageReport",
    "EspeakG2P",
    "G2PIssue",
    "Phonemized",
    "WordPhonemes",
    "coverage_report",
    "g2p_for",
    "kokoro_unknown_symbols",
    "kokoro_vocab",
    "misaki_from_symbols",
    "misaki_text",
    "misaki_word",
    "misaki_words",
    "phoneme_inventory",
    "phonemize",
    "phonemize_code_switched",
    "split_phonemes",
]
