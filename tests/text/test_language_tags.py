from __future__ import annotations

import pytest

from voxtune.text.g2p import misaki_words, phonemize_code_switched
from voxtune.text.language_tags import (
    PARTICLE,
    LanguageTagger,
    sentence_stats,
    spread_to_phonemes,
)
from voxtune.text.languages import UnsupportedLanguageError
from voxtune.text.particles import ASSERTIVE, EMPHATIC, MALAYSIAN_PARTICLES, RESIGNATION


@pytest.fixture(scope="module")
def manglish() -> LanguageTagger:
    return LanguageTagger(["ms", "en"])


def labels(tagger: LanguageTagger, text: str) -> list[str]:
    return [tag.label for tag in tagger.tag(text)]


def test_required_manglish_example(manglish: LanguageTagger) -> None:
    tags = manglish.tag("Saya nak go to the mall lah")
    assert [t.label for t in tags] == ["ms", "ms", "en", "en", "en", "en", PARTICLE]
    assert tags[-1].particle is not None
    assert tags[-1].particle.canonical == "lah"
    assert tags[-1].particle_kind == ASSERTIVE
    assert tags[-1].language is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eh you makan already or not?", [PARTICLE, "en", "ms", "en", "en", "en"]),
        ("Jom pergi makan, I belanja you", ["ms", "ms", "ms", "en", "ms", "en"]),
        (
            "Dia cakap dia busy sangat hari ni, so cannot come lor",
            ["ms", "ms", "ms", "en", "ms", "ms", "ms", "en", "en", "en", PARTICLE],
        ),
        ("Kita jumpa esok kat office, okay?", ["ms", "ms", "ms", "ms", "en", "en"]),
        ("This weekend I nak balik kampung", ["en", "en", "en", "ms", "ms", "ms"]),
        ("Boleh tolong I check this document tak?", ["ms", "ms", "en", "en", "en", "en", "ms"]),
        ("Wah, so nice sia", [PARTICLE, "en", "en", PARTICLE]),
    ],
)
def test_more_manglish_sentences(manglish: LanguageTagger, text: str, expected: list[str]) -> None:
    assert labels(manglish, text) == expected


def test_one_and_what_are_particles_only_at_the_end_of_a_clause(manglish: LanguageTagger) -> None:
    tags = manglish.tag("Don't play play lah, this one very expensive one.")
    assert [t.label for t in tags] == [
        "en", "en", "en", PARTICLE, "en", "en", "en", "en", PARTICLE,
    ]  # fmt: skip
    assert tags[-1].particle_kind == EMPHATIC
    assert labels(manglish, "what you want to eat") == ["en"] * 5
    assert labels(manglish, "I told you already what")[-1] == PARTICLE


def test_norwegian_sentence_with_an_english_loan() -> None:
    tagger = LanguageTagger(["no", "en"])
    assert tagger.languages == ("nb", "en")
    assert labels(tagger, "Jeg liker å spille football med vennene mine på lørdag") == [
        "nb", "nb", "nb", "nb", "en", "nb", "nb", "nb", "nb", "nb",
    ]  # fmt: skip
    # "I" is a function word in both languages; here it is Norwegian ("I morgen" = tomorrow).
    tags = tagger.tag("I morgen skal jeg jobbe hjemmefra")
    assert [t.label for t in tags] == ["nb"] * 6
    assert tags[0].source == "context"


def test_all_english_sentence(manglish: LanguageTagger) -> None:
    tags = manglish.tag("The meeting is postponed to next week.")
    assert [t.label for t in tags] == ["en"] * 7
    stats = sentence_stats(tags)
    assert stats.single_language and not stats.has_particles and stats.switches == 0


def test_single_language_corpus_needs_no_detector() -> None:
    tagger = LanguageTagger(["en"])
    tags = tagger.tag("Hello there, this is fine.")
    assert {t.label for t in tags} == {"en"}
    assert {t.source for t in tags} <= {"default", "function_words"}
    # English alone switches no particle lexicon on: "lah" is just a word.
    assert labels(tagger, "ok lah") == ["en", "en"]


def test_user_lexicon_overrides_everything(manglish: LanguageTagger) -> None:
    assert labels(manglish, "I want to go to the mall") == ["en"] * 7
    tagger = LanguageTagger(["ms", "en"], user_lexicon={"MALL": "ms", "lah": "en"})
    tags = tagger.tag("I want to go to the mall lah")
    assert [t.label for t in tags][-2:] == ["ms", "en"]
    assert tags[-2].source == "user_lexicon"
    with pytest.raises(UnsupportedLanguageError):
        LanguageTagger(["en"], user_lexicon={"x": "xx"})


def test_particles_can_be_switched_off_or_supplied(manglish: LanguageTagger) -> None:
    no_particles = LanguageTagger(["ms", "en"], particles={})
    assert PARTICLE not in labels(no_particles, "Saya nak go to the mall lah")
    singlish = LanguageTagger(["en"], particles=MALAYSIAN_PARTICLES)
    tags = singlish.tag("Like that lor")
    assert [t.label for t in tags] == ["en", "en", PARTICLE]
    assert tags[-1].particle_kind == RESIGNATION


def test_language_without_lingua_model_defaults_to_the_main_language() -> None:
    tagger = LanguageTagger(["lb", "de"])
    tags = tagger.tag("Ech hunn den Computer net gesinn")
    assert [t.label for t in tags] == ["lb"] * 6
    # "den" is a function word in both; the unambiguous Luxembourgish ones around decide it.
    assert [t.source for t in tags[:3]] == ["function_words", "function_words", "context"]
    german = LanguageTagger(["lb", "de"], user_lexicon={"computer": "de"})
    assert labels(german, "Ech hunn de Computer")[-1] == "de"


def test_sentence_stats_for_curriculum_filters(manglish: LanguageTagger) -> None:
    stats = sentence_stats(manglish.tag("Eh you makan already or not lah? Jom lah, makan lor"))
    assert stats.languages == ("en", "ms")
    assert stats.n_languages == 2
    assert not stats.single_language
    # (eh) en ms en en en (lah) ms (lah) ms (lor): en->ms, ms->en, en->ms; particles skipped
    assert stats.switches == 3
    assert stats.has_particles
    assert stats.particle_counts == {"eh": 1, "lah": 2, "lor": 1}
    assert stats.particle_kinds == {"attention": 1, "assertive": 2, "resignation": 1}
    assert stats.words_per_language == {"en": 4, "ms": 3}


def test_spread_to_phonemes_lines_up_with_joined_phonemes(manglish: LanguageTagger) -> None:
    text = "Saya nak go to the mall lah"
    tags = manglish.tag(text)
    voices = [t.language or "ms" for t in tags]
    phonemized = phonemize_code_switched([t.word for t in tags], voices)
    per_word = misaki_words(phonemized)
    per_char = spread_to_phonemes([t.label for t in tags], per_word, boundary="|")
    joined = " ".join(per_word)
    assert len(per_char) == len(joined)
    assert [label for label, char in zip(per_char, joined, strict=True) if char == " "] == ["|"] * 6
    # Every character of "lah"'s phonemes is tagged particle, every one of "mall" English.
    assert per_char[-len(per_word[-1]) :] == [PARTICLE] * len(per_word[-1])
    start = len(" ".join(per_word[:5])) + 1
    assert per_char[start : start + len(per_word[5])] == ["en"] * len(per_word[5])
    # Symbol lists work too, and words without phonemes are skipped with no boundary.
    symbols = [w.phonemes for w in phonemized.words]
    per_symbol = spread_to_phonemes(tags, symbols, between_words=False)
    assert len(per_symbol) == sum(len(s) for s in symbols)
    assert spread_to_phonemes(["a", "b", "c"], ["xy", "", "z"]) == ["a", "a", None, "c"]
    with pytest.raises(ValueError, match="2 tags for 1 words"):
        spread_to_phonemes(["a", "b"], ["x"])
