"""Kokoro-compatible phonemes: espeak IPA rewritten into misaki's symbol set, and vocabulary checks.

Kokoro-82M reads one token per character from its ``vocab`` (stored in kokoro_vocab.json, with its
source). Its training text came from misaki, whose espeak G2P (github.com/hexgrad/misaki,
``misaki/espeak.py``) rewrites espeak's IPA with the replacement lists below: tied multi-letter
phonemes become single letters (diphthongs ``aɪ``->``I``, affricates ``tʃ``->``ʧ``), and for
English a few more sounds, length marks and diacritics are folded into what misaki's English
lexicon uses. The tables are applied to espeak's output written with ``^`` as tie, as misaki does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources

from voxtune.text.g2p.phonemize import Phonemized, WordPhonemes
from voxtune.text.g2p.symbols import tie_symbols

# misaki EspeakG2P, used for every language except English: tied pairs -> one Kokoro letter.
MISAKI_TIED_PAIRS: tuple[tuple[str, str], ...] = (
    ("a^ɪ", "I"),  # PRICE diphthong
    ("a^ʊ", "W"),  # MOUTH diphthong
    ("d^z", "ʣ"),  # voiced alveolar affricate
    ("d^ʒ", "ʤ"),  # voiced postalveolar affricate
    ("e^ɪ", "A"),  # FACE diphthong
    ("o^ʊ", "O"),  # GOAT diphthong (American)
    ("ə^ʊ", "Q"),  # GOAT diphthong (British)
    ("s^s", "S"),  # misaki's own entry, kept as is
    ("t^s", "ʦ"),  # voiceless alveolar affricate
    ("t^ʃ", "ʧ"),  # voiceless postalveolar affricate
    ("ɔ^ɪ", "Y"),  # CHOICE diphthong
)

# misaki EspeakFallback (English words missing from its lexicon), applied longest key first.
MISAKI_ENGLISH: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "ʔˌn\u0329": "tn",  # glottal stop before syllabic n ("button")
            "ʔn\u0329": "tn",
            "ʔn": "tn",
            "ʔ": "t",
            "a^ɪ": "I",
            "a^ʊ": "W",
            "d^ʒ": "ʤ",
            "e^ɪ": "A",
            "e": "A",
            "t^ʃ": "ʧ",
            "ɔ^ɪ": "Y",
            "ə^l": "ᵊl",  # syllabic l
            "ʲo": "jo",  # palatalisation written as a j
            "ʲə": "jə",
            "ʲ": "",
            "ɚ": "əɹ",  # r-coloured schwa as schwa + r
            "r": "ɹ",
            "x": "k",
            "ç": "k",
            "ɐ": "ə",
            "ɬ": "l",
            "\u0303": "",  # nasalisation dropped
        }.items(),
        key=lambda pair: -len(pair[0]),
    )
)
# Then by accent, after the table above (misaki applies these in this order).
MISAKI_ENGLISH_US: tuple[tuple[str, str], ...] = (
    ("o^ʊ", "O"),
    ("ɜːɹ", "ɜɹ"),
    ("ɜː", "ɜɹ"),
    ("ɪə", "iə"),
    ("ː", ""),  # American English is written without length marks
)
MISAKI_ENGLISH_GB: tuple[tuple[str, str], ...] = (
    ("i^ə", "ɪə"),  # not in misaki, whose untied "iə" misses espeak's tied NEAR vowel
    ("iə", "ɪə"),
    ("ə^ʊ", "Q"),
)
# British SQUARE. misaki lists it with the British rules, after "e" has already become "A", so
# there it never matches; it is applied before the table here so that it takes effect.
MISAKI_ENGLISH_GB_FIRST: tuple[tuple[str, str], ...] = (("e^ə", "ɛː"),)

_SYLLABIC = re.compile("(\\S)\u0329")


def _replace_all(text: str, table: Iterable[tuple[str, str]]) -> str:
    for old, new in table:
        text = text.replace(old, new)
    return text


def misaki_from_symbols(symbols: Sequence[str], language: str, *, british: bool = False) -> str:
    """Kokoro/misaki phonemes for one word given its espeak symbols (from split_phonemes)."""
    tied = tie_symbols(symbols, tie="^")
    if language != "en":
        return _replace_all(tied, MISAKI_TIED_PAIRS).replace("^", "").replace("-", "")
    if british:
        tied = _replace_all(tied, MISAKI_ENGLISH_GB_FIRST)
    text = _replace_all(tied, MISAKI_ENGLISH)
    text = _SYLLABIC.sub("ᵊ\\1", text).replace("\u0329", "")
    text = _replace_all(text, MISAKI_ENGLISH_GB if british else MISAKI_ENGLISH_US)
    text = text.replace("o", "ɔ")  # espeak before 1.52 wrote o where misaki expects ɔ
    return text.replace("^", "")


def misaki_word(word: WordPhonemes, *, british: bool = False) -> str:
    """Kokoro/misaki phonemes for one phonemized word."""
    return misaki_from_symbols(word.phonemes, word.language, british=british)


def misaki_words(utterance: Phonemized, *, british: bool = False) -> list[str]:
    """Kokoro/misaki phonemes per input word (empty string where espeak produced nothing)."""
    return [misaki_word(word, british=british) for word in utterance.words]


def misaki_text(utterance: Phonemized, *, british: bool = False) -> str:
    """The utterance as one Kokoro input string: words' misaki phonemes joined by spaces."""
    return " ".join(p for p in misaki_words(utterance, british=british) if p)


@cache
def kokoro_vocab() -> Mapping[str, int]:
    """Kokoro-82M v1.0 vocabulary: symbol -> token id (114 symbols)."""
    text = resources.files(__package__).joinpath("kokoro_vocab.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["vocab"])


def kokoro_unknown_symbols(texts: Iterable[str]) -> Counter:
    """Characters of Kokoro input strings missing from Kokoro's vocabulary, with their counts.

    Kokoro silently drops such characters, so anything listed here is lost from its input.
    """
    vocab = kokoro_vocab()
    return Counter(char for text in texts for char in text if char not in vocab)
