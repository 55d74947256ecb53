"""espeak-ng G2P: known IPA per language (espeak-ng 1.52 via espeakng-loader), alignment, issues."""

from __future__ import annotations

import pytest

from voxtune.text.g2p import (
    EMPTY,
    LANGUAGE_SWITCH,
    SPELLED,
    EspeakG2P,
    coverage_report,
    g2p_for,
    phoneme_inventory,
    phonemize,
    phonemize_code_switched,
)
from voxtune.text.g2p.espeak import parse_raw
from voxtune.text.g2p.symbols import TIE
from voxtune.text.languages import UnsupportedLanguageError

# Per-word IPA as espeak-ng 1.52 says these phrases (checked by running espeak on them).
KNOWN_IPA = [
    ("en", "hello world", ["həlˈoʊ", "wˈɜːld"]),
    ("en", "the cat sat", ["ðə", "kˈæt", "sˈæt"]),
    ("te", "తెలుగు భాష", ["tˈeluɡu", "bʰˈaːʂa"]),
    ("te", "నమస్కారం", ["nˈamaskˌaːran"]),
    ("ms", "terima kasih", ["təɾrˈimə", "kˈaseh"]),
    ("nb", "hei verden", ["hˈaɪ", "vˈardən"]),
    ("nb", "kjøkken", ["xˈœkːən"]),
    ("sv", "hej världen", ["hˈɛj", "vˈɛːrdən"]),
    ("da", "hej verden", ["hˈ?ɑj", "ʋˈεɐ̯dən"]),
    ("de", "guten Tag", ["ɡˈuːtən", "tˈɑːk"]),
    ("de", "Straße", ["ʃtɾˈɑːsə"]),
    ("fr", "bonjour le monde", ["bɔ̃ʒˈuʁ", "lə", "mˈɔ̃d"]),
    ("es", "hola mundo", ["ˈola", "mˈundo"]),
    ("nl", "goedemorgen", ["ɣˈudəmˌɔrɣən"]),
    ("lb", "moien Lëtzebuerg", ["mˈojən", "ləʦˈəbuːʁɕ"]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), KNOWN_IPA)
def test_known_ipa_per_word(lang: str, text: str, expected: list[str]) -> None:
    result = phonemize(text, lang)
    assert [word.ipa for word in result.words] == expected
    assert result.ipa == " ".join(expected)
    assert all(not word.issues for word in result.words)


def test_norwegian_alias_uses_the_bokmal_voice() -> None:
    assert phonemize("hei verden", "no").ipa == phonemize("hei verden", "nb").ipa
    assert g2p_for("no") is g2p_for("nb")


def test_unknown_language_lists_supported_codes() -> None:
    with pytest.raises(UnsupportedLanguageError, match="Unsupported language code 'tlh'"):
        phonemize("Qapla'", "tlh")


def test_context_is_kept_french_liaison_and_english_weak_forms() -> None:
    assert [w.ipa for w in phonemize("les amis", "fr").words] == ["lez", "amˈi"]
    # Said alone "a" is the letter name; in context it is the weak article.
    assert phonemize("a", "en").words[0].ipa == "ˈeɪ"
    assert phonemize("a cat", "en").words[0].ipa == "ɐ"


def test_merged_words_are_split_back_onto_their_input_words() -> None:
    # espeak says "on the" and "of the" as one word each (ɔnðə, ʌvðə).
    result = phonemize("on the way of the day", "en")
    assert [(w.word, w.ipa, w.merged) for w in result.words] == [
        ("on", "ɔn", True),
        ("the", "ðə", True),
        ("way", "wˈeɪ", False),
        ("of", "ʌv", True),
        ("the", "ðə", True),
        ("day", "dˈeɪ", False),
    ]


def test_a_word_espeak_expands_keeps_all_its_output_words() -> None:
    result = phonemize("I have 21 apples", "en")
    assert [w.word for w in result.words] == ["I", "have", "21", "apples"]
    assert result.words[2].ipa == "twˈɛnti wˈʌn"
    assert result.words[3].ipa == "ˈæpəlz"


SENTENCES = {
    "en": "On the way home of the day I saw 21 ducks, BBC news and привет in the house at the end",
    "fr": "Les enfants sont allés à l'école avec leurs amis, c'est la vie en 2024",
    "de": "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich im Jahr 1999",
    "ms": "Saya nak go to the mall lah, tapi hari ni hujan 3 kali",
    "nb": "Jeg heter Ola og bor i Oslo med NRK og నమస్కారం",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_alignment_neither_loses_nor_invents_phonemes(lang: str) -> None:
    """The words' phonemes, concatenated, are exactly espeak's output for the whole line."""
    g2p = g2p_for(lang)
    result = g2p.phonemize(SENTENCES[lang])
    words = [w.word for w in result.words]
    whole = parse_raw(g2p._espeak.raw(" ".join(words)))
    said = "".join(chunk.tied for chunk in whole).replace(TIE, "")
    assert result.ipa.replace(" ", "") == said
    assert len(result.words) == len(words)


def test_spelled_words_are_reported() -> None:
    result = phonemize("BBC xkcd hello привет a", "en")
    spelled = {w.word for w in result.words if any(i.kind == SPELLED for i in w.issues)}
    assert spelled == {"BBC", "xkcd", "привет"}


def test_language_switches_are_reported_with_the_language() -> None:
    telugu = phonemize("hello నమస్కారం", "te")
    assert [i.kind for i in telugu.words[0].issues] == [LANGUAGE_SWITCH]
    assert telugu.words[0].issues[0].detail == "en"
    assert telugu.words[1].issues == ()
    malay = phonemize("Saya nak go to the mall lah", "ms")
    switched = [(w.word, i.detail) for w in malay.words for i in w.issues]
    assert switched == [("the", "en")]


def test_words_espeak_says_nothing_for_are_empty() -> None:
    result = g2p_for("en").phonemize_words(["hello", "_", "world"])
    assert [w.ipa for w in result.words] == ["həlˈoʊ", "", "wˈɜːld"]
    assert [i.kind for i in result.words[1].issues] == [EMPTY]
    assert result.ipa == "həlˈoʊ wˈɜːld"
    assert not result.words[0].merged


def test_coverage_report_counts_problem_words() -> None:
    utterances = [phonemize(t, "en") for t in ["hello BBC", "BBC news", "hello world"]]
    report = coverage_report(utterances)
    assert report.words == 6
    assert report.words_with_issues == 2
    assert report.by_kind[SPELLED] == {"BBC": 2}
    assert report.coverage == pytest.approx(4 / 6)
    te_report = coverage_report([phonemize("hello నమస్కారం ok", "te")])
    assert te_report.switched_to == {"en": 2}


def test_phoneme_inventory_counts_symbols_not_characters() -> None:
    # German "Zeit" is t͡s ˈ a͡ɪ t: the affricate and diphthong are one symbol each.
    inventory = phoneme_inventory([phonemize("Zeit Zeit", "de"), phonemize("Zeit", "de")])
    assert inventory == {"ts": 3, "aɪ": 3, "t": 3}
    with_stress = phoneme_inventory([phonemize("Zeit", "de")], include_stress=True)
    assert with_stress == {"ts": 1, "aɪ": 1, "t": 1, "ˈ": 1}


def test_code_switched_words_use_each_languages_voice() -> None:
    words = ["Saya", "nak", "go", "to", "the", "mall", "lah"]
    labels = ["ms", "ms", "en", "en", "en", "en", "ms"]
    result = phonemize_code_switched(words, labels)
    assert [w.language for w in result.words] == labels
    english_alone = phonemize("go to the mall", "en")
    assert [w.ipa for w in result.words[2:6]] == [w.ipa for w in english_alone.words]
    assert result.words[0].ipa == phonemize("Saya nak", "ms").words[0].ipa
    assert not any(w.issues for w in result.words)
    with pytest.raises(ValueError, match="2 words but 1"):
        phonemize_code_switched(["a", "b"], ["en"])


def test_british_voice_is_selectable() -> None:
    assert EspeakG2P("en", voice="en-gb").phonemize("go").words[0].ipa == "ɡˈəʊ"
    assert phonemize("go", "en").words[0].ipa == "ɡˈoʊ"


def test_many_utterances_reuse_one_voice() -> None:
    g2p = g2p_for("es")
    results = g2p.phonemize_many(["hola mundo", "hola"] * 50)
    assert len(results) == 100
    assert results[-1].ipa == "ˈola"
    assert g2p_for("es") is g2p
