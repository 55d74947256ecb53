from __future__ import annotations

import pytest

from voxtune.models.kokoro.geometry import geometry_from_config
from voxtune.models.kokoro.timing import (
    TimedToken,
    TimingError,
    espeak_symbols,
    punctuation_after_words,
    timed_tokens,
    token_durations,
    word_units,
)
from voxtune.models.kokoro.tiny import tiny_kokoro_config
from voxtune.text.g2p import misaki_text, phonemize

GEOMETRY = geometry_from_config(tiny_kokoro_config())


def unit_times(count: int, start: float, step: float) -> list[tuple[float, float]]:
    return [(start + i * step, start + (i + 1) * step) for i in range(count)]


def test_espeak_symbols_recover_ties_the_stored_ipa_lost() -> None:
    stored = [w.ipa for w in phonemize("Zeit", "de").words]
    assert stored == ["tsˈaɪt"]
    assert espeak_symbols(["Zeit"], stored, ["de"]) == [["ts", "ˈ", "aɪ", "t"]]
    assert word_units("tsˈaɪt") == 5  # what the align stage times: t s a ɪ t
    # stored IPA that espeak would not write (edited by hand): its characters are the symbols
    assert espeak_symbols(["Zeit"], ["tsaɪt"], ["de"]) == [["t", "s", "a", "ɪ", "t"]]


def test_tokens_spell_misaki_text_and_span_their_units() -> None:
    tokens = timed_tokens([["ts", "ˈ", "aɪ", "t"]], ["de"], phoneme_times=unit_times(5, 0.2, 0.1))
    assert "".join(t.symbol for t in tokens) == "ʦˈIt" == misaki_text(phonemize("Zeit", "de"))
    by_symbol = {t.symbol: (round(t.start, 6), round(t.end, 6)) for t in tokens}
    assert by_symbol["ʦ"] == (0.2, 0.4)  # the affricate covers its two units
    assert by_symbol["ˈ"] == (0.4, 0.4)  # a stress mark is a point before its vowel
    assert by_symbol["I"] == (0.4, 0.6)
    assert by_symbol["t"] == (0.6, 0.7)


def test_multi_character_symbols_share_their_span() -> None:
    tokens = timed_tokens([["ʒ", "ˈ", "eː", "t"]], ["lb"], phoneme_times=unit_times(3, 0.0, 0.2))
    assert [(t.symbol, round(t.start, 3), round(t.end, 3)) for t in tokens] == [
        ("ʒ", 0.0, 0.2),
        ("ˈ", 0.2, 0.2),
        ("e", 0.2, 0.3),
        ("ː", 0.3, 0.4),
        ("t", 0.4, 0.6),
    ]


def test_words_are_joined_by_a_space_in_the_gap_and_punctuation_follows_them() -> None:
    words = [["m", "ˈ", "o", "j", "ə", "n"], ["v", "ˈ", "ɜ", "ɪ"]]
    times = unit_times(5, 0.25, 0.05) + unit_times(3, 0.75, 0.05)
    tokens = timed_tokens(words, ["lb", "lb"], phoneme_times=times, punctuation=[", ", "?"])
    assert "".join(t.symbol for t in tokens) == "mˈojən, vˈɜɪ?"
    space = next(t for t in tokens if t.symbol == " ")
    assert space.start == space.end == pytest.approx((0.5 + 0.75) / 2)
    comma = next(t for t in tokens if t.symbol == ",")
    assert comma.start == pytest.approx(0.5)


def test_word_timings_spread_each_word_over_its_phonemes() -> None:
    tokens = timed_tokens([["ts", "ˈ", "aɪ", "t"]], ["de"], word_times=[(0.0, 0.3)])
    assert [(t.symbol, round(t.start, 3), round(t.end, 3)) for t in tokens] == [
        ("ʦ", 0.0, 0.1),
        ("ˈ", 0.1, 0.1),
        ("I", 0.1, 0.2),
        ("t", 0.2, 0.3),
    ]


def test_counts_that_do_not_match_are_item_errors() -> None:
    with pytest.raises(TimingError) as caught:
        timed_tokens([["ts", "ˈ", "aɪ", "t"]], ["de"], phoneme_times=unit_times(4, 0.0, 0.1))
    assert caught.value.code == "alignment_mismatch"
    with pytest.raises(TimingError):
        timed_tokens([["a"], ["b"]], ["de", "de"], word_times=[(0.0, 0.1)])


def test_durations_cover_the_audio_with_a_frame_for_every_token() -> None:
    # speech from 0.25 s to 0.75 s of a 1 s item: the pads take the silences around it
    tokens = timed_tokens([["ts", "ˈ", "aɪ", "t"]], ["de"], phoneme_times=unit_times(5, 0.25, 0.1))
    durations, frames = token_durations(tokens, 1.0, GEOMETRY)
    assert frames == 40 and sum(durations) == 40
    assert len(durations) == len(tokens) + 2
    assert min(durations) >= 1
    assert durations[0] == 10 and durations[-1] == 10  # 0.25 s = 10 frames of 25 ms
    assert durations[1] == 8  # ʦ: 0.25 to 0.45 s


def test_timings_past_the_audio_or_too_fast_speech_are_refused() -> None:
    late = [TimedToken("a", 0.0, 1.5)]
    with pytest.raises(TimingError) as caught:
        token_durations(late, 1.0, GEOMETRY)
    assert caught.value.code == "alignment_beyond_audio"
    crowded = [TimedToken("a", i * 0.001, (i + 1) * 0.001) for i in range(50)]
    with pytest.raises(TimingError) as caught:
        token_durations(crowded, 0.1, GEOMETRY)
    assert caught.value.code == "too_fast"


def test_punctuation_after_words() -> None:
    text = "Moien, wéi geet et dir?"
    spans = [(0, 5), (7, 10), (11, 15), (16, 18), (19, 22)]
    assert punctuation_after_words(text, spans) == [", ", " ", " ", " ", "?"]
