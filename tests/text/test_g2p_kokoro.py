from __future__ import annotations

import pytest

from voxtune.text.g2p import (
    EspeakG2P,
    kokoro_unknown_symbols,
    kokoro_vocab,
    misaki_from_symbols,
    misaki_text,
    misaki_words,
    phonemize,
)


@pytest.mark.parametrize(
    ("symbols", "expected"),
    [
        (["ts", "ˈ", "aɪ", "t"], "ʦˈIt"),  # affricate and diphthong become single letters
        (["dʒ", "ˈ", "oʊ", "k"], "ʤˈOk"),
        (["tʃ", "ˈ", "aʊ"], "ʧˈW"),
        (["b", "ˈ", "ɔɪ"], "bˈY"),
        (["ɡ", "ˈ", "əʊ"], "ɡˈQ"),
        (["l", "ˈ", "eɪ", "dz"], "lˈAʣ"),
        (["ˈ", "ss"], "ˈS"),
        (["t", "ʃ", "ˈ", "a"], "tʃˈa"),  # two symbols, not an affricate: left alone
        (["ɡ", "ˈ", "eː", "ə"], "ɡˈeːə"),  # length marks are kept outside English
    ],
)
def test_misaki_general_table(symbols: list[str], expected: str) -> None:
    assert misaki_from_symbols(symbols, "de") == expected


@pytest.mark.parametrize(
    ("symbols", "british", "expected"),
    [
        (["b", "ˈ", "ʌ", "ʔ", "n̩"], False, "bˈʌtn"),  # glottal stop + syllabic n
        (["l", "ˈ", "ɪ", "ɾ", "əl"], False, "lˈɪɾᵊl"),  # tied syllabic l
        (["ɹ", "ˈ", "ɪ", "ð", "m̩"], False, "ɹˈɪðᵊm"),  # syllabic mark -> ᵊ before
        (["w", "ˈ", "ɔː", "ɾ", "ɚ"], False, "wˈɔɾəɹ"),  # length dropped, ɚ -> əɹ
        (["b", "ˈ", "ɜː", "d"], False, "bˈɜɹd"),
        (["ɡ", "ˈ", "oʊ"], False, "ɡˈO"),
        (["ˈ", "e", "r", "x", "ç", "ɐ", "ɬ"], False, "ˈAɹkkəl"),
        (["ɡ", "ˈ", "əʊ"], True, "ɡˈQ"),
        (["h", "ˈ", "eə"], True, "hˈɛː"),  # British SQUARE
        (["n", "ˈ", "iə"], True, "nˈɪə"),  # British NEAR
        (["f", "ˈ", "ɜː"], True, "fˈɜː"),  # British keeps length marks
    ],
)
def test_misaki_english_table(symbols: list[str], british: bool, expected: str) -> None:
    assert misaki_from_symbols(symbols, "en", british=british) == expected


def test_misaki_text_of_phonemized_sentences() -> None:
    assert misaki_text(phonemize("Zeit", "de")) == "ʦˈIt"
    result = phonemize("I know the button", "en")
    assert misaki_words(result) == ["I", "nˈO", "ðə", "bˈʌtn"]
    gb = EspeakG2P("en", voice="en-gb").phonemize("go there")
    assert misaki_text(gb, british=True) == "ɡˌQ ðˈɛː"


def test_kokoro_vocab_facts() -> None:
    vocab = kokoro_vocab()
    assert len(vocab) == 114
    assert len(set(vocab.values())) == 114
    assert max(vocab.values()) == 177  # n_token 178
    assert vocab[" "] == 16
    assert vocab["ˈ"] == 156
    assert vocab["ʧ"] == 133
    assert all(len(symbol) == 1 for symbol in vocab)


def test_kokoro_unknown_symbols_lists_what_kokoro_would_drop() -> None:
    assert kokoro_unknown_symbols(["gʀa", "ʀ ɡ"]) == {"g": 1, "ʀ": 2}
    assert kokoro_unknown_symbols(["ʦˈIt ðə"]) == {}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The quick brown fox jumps over the lazy dog, I bought a button in Britain"),
        ("fr", "Les enfants jouent dans le jardin avec leurs amis, un bon vin blanc"),
        ("es", "Los niños juegan en el jardín con sus amigos, el perro corre rápido"),
    ],
)
def test_misaki_output_stays_in_kokoro_vocab_for_kokoro_languages(lang: str, text: str) -> None:
    assert kokoro_unknown_symbols([misaki_text(phonemize(text, lang))]) == {}


def test_luxembourgish_symbols_kokoro_lacks_are_found() -> None:
    # espeak writes Luxembourgish g as ASCII g (Kokoro has only ɡ) and uses uvular trill ʀ.
    unknown = kokoro_unknown_symbols([misaki_text(phonemize("Ech ginn an de Gaart", "lb"))])
    assert set(unknown) == {"g", "ʀ"}
