"""Hallucination guards: each measure on constructed inputs, and each rejection with its measured value."""

from __future__ import annotations

import random

import numpy as np
import pytest

from voxtune.asr.errors import TranscriptionError
from voxtune.asr.guards import (
    Activity,
    GuardSettings,
    Repeat,
    check_speech_present,
    check_transcript,
    compression_ratio,
    longest_repeat,
    speech_activity,
    visible_characters,
    words_over_silence,
)
from voxtune.asr.transcript import Transcript, Word

RATE = 16_000


def tone_with_silence(speech: tuple[float, float], total: float, level: float = 0.3) -> np.ndarray:
    """Silence except a 220 Hz tone from speech[0] to speech[1] seconds."""
    audio = np.zeros(int(total * RATE), dtype=np.float32)
    start, end = (int(t * RATE) for t in speech)
    t = np.arange(end - start) / RATE
    audio[start:end] = level * np.sin(2 * np.pi * 220 * t)
    return audio


def naive_longest_repeat(tokens: list[str], max_n: int) -> int:
    """Brute force: every n-gram at every start, counted without any skipping."""
    best = 1 if tokens else 0
    for n in range(1, max_n + 1):
        for start in range(len(tokens) - n + 1):
            gram = tokens[start : start + n]
            count = 1
            while tokens[start + count * n : start + (count + 1) * n] == gram:
                count += 1
            best = max(best, count)
    return best


def test_longest_repeat_finds_the_looping_phrase() -> None:
    def words(text: str) -> list[str]:
        return text.split()

    assert longest_repeat(words("and then thank you. Thank you, thank you thank you and bye")) == Repeat(
        ("thank", "you"), 4
    )
    assert longest_repeat(words("one two three")) == Repeat(("one",), 1)
    assert longest_repeat([]).count == 0
    assert longest_repeat(words("la la la la la")) == Repeat(("la",), 5)
    # a 3-gram loop after some text
    assert longest_repeat(words("so a b c a b c a b c end"), max_n=3) == Repeat(("a", "b", "c"), 3)
    assert longest_repeat(words("so a b c a b c a b c end"), max_n=2).count == 1


def test_longest_repeat_agrees_with_brute_force_on_random_sequences() -> None:
    rng = random.Random(7)
    for _ in range(300):
        tokens = [rng.choice("abc") for _ in range(rng.randint(0, 30))]
        assert longest_repeat(tokens, max_n=4).count == naive_longest_repeat(tokens, 4), tokens


def test_compression_ratio_separates_loops_from_sentences() -> None:
    sentence = "The weather is nice today and we are going to the beach after lunch with friends."
    assert compression_ratio(sentence) < 1.5
    assert compression_ratio("I'm sorry. " * 30) > 5
    assert compression_ratio("") == 0.0


def test_visible_characters_count_grapheme_clusters() -> None:
    assert visible_characters("ab c\t d") == 4
    # న + మ + స్కా + రం: consonant clusters with vowel signs count once each
    assert visible_characters("నమస్కారం") == 4
    assert visible_characters("e\u0301") == 1  # e + combining acute


def test_activity_frames_overlapping_a_span() -> None:
    activity = Activity(np.array([False, True, False, False, True]), frame=0.1)
    assert activity.active_seconds == pytest.approx(0.2)
    assert activity.any_active(0.15, 0.15)  # a point inside frame 1
    assert activity.any_active(0.05, 0.11) and activity.any_active(0.45, 0.9)
    assert not activity.any_active(0.2, 0.4) and not activity.any_active(0.0, 0.1)
    assert not Activity(np.zeros(0, dtype=bool), 0.1).any_active(0.0, 1.0)


def test_speech_activity_marks_the_tone() -> None:
    activity = speech_activity(tone_with_silence((0.5, 1.0), 2.0), RATE)
    assert activity.active_seconds == pytest.approx(0.5, abs=0.04)
    assert speech_activity(np.zeros(RATE, dtype=np.float32), RATE).active_seconds == 0.0
    assert activity.any_active(0.6, 0.7) and activity.any_active(0.95, 1.5)
    assert not activity.any_active(1.2, 1.9) and not activity.any_active(0.0, 0.4)


def test_words_over_silence_are_the_ones_outside_the_tone() -> None:
    activity = speech_activity(tone_with_silence((0.5, 1.0), 2.0), RATE)
    words = [
        Word("hello", 0.55, 0.8),
        Word("there", 1.3, 1.6),
        Word("edge", 0.95, 1.3),
        Word("by", 1.05, 1.1),
    ]
    assert words_over_silence(words, activity) == [Word("there", 1.3, 1.6), Word("by", 1.05, 1.1)]
    assert words_over_silence(words, activity, margin=0.1) == [Word("there", 1.3, 1.6)]


def transcript(text: str, words: tuple[Word, ...] = (), no_speech: float | None = None) -> Transcript:
    return Transcript(text, "en", 0.9, words, no_speech)


def rejection(
    text: str, seconds: float = 2.0, settings: GuardSettings | None = None, no_speech: float | None = None
) -> TranscriptionError:
    with pytest.raises(TranscriptionError) as caught:
        check_transcript(transcript(text, no_speech=no_speech), seconds, None, settings or GuardSettings())
    return caught.value


def test_each_guard_rejects_with_its_code_and_measured_value() -> None:
    assert rejection("   ").code == "empty_transcript"

    looped = rejection("thank you " * 6)
    assert looped.code == "hallucination_repeat" and looped.details == {"ngram": "thank you", "repeats": 6}

    compressed = rejection("a b c d e f g h " * 8, seconds=60.0)
    assert compressed.code == "hallucination_repeat" and compressed.details["compression_ratio"] > 2.4

    long_text = "x" * 120
    too_long = rejection(long_text, seconds=2.0, settings=GuardSettings(max_compression_ratio=None))
    assert too_long.code == "text_too_long"
    assert too_long.details == {"characters": 120, "seconds": 2.0}
    assert "60.0 per second" in too_long.reason

    quiet = rejection("hello there", no_speech=0.9, settings=GuardSettings(max_no_speech_probability=0.6))
    assert quiet.code == "no_speech" and quiet.details == {"no_speech_probability": 0.9}


def test_text_over_silence_needs_most_words_outside_the_sound() -> None:
    activity = speech_activity(tone_with_silence((0.5, 1.0), 2.0), RATE)
    over = (Word("a", 0.6, 0.7), Word("b", 1.2, 1.4), Word("c", 1.5, 1.8))
    with pytest.raises(TranscriptionError) as caught:
        check_transcript(transcript("a b c", over), 2.0, activity, GuardSettings())
    assert caught.value.code == "text_over_silence"
    assert caught.value.details == {"silent_words": 2, "words": 3}
    inside = (Word("a", 0.6, 0.7), Word("b", 0.8, 0.9), Word("c", 1.5, 1.8))
    check_transcript(transcript("a b c", inside), 2.0, activity, GuardSettings())


def test_a_plausible_transcript_passes_and_switched_off_guards_do_not_fire() -> None:
    check_transcript(transcript("seven"), 0.2, None, GuardSettings())  # slack covers a short word
    off = GuardSettings(
        max_repeats=None,
        max_compression_ratio=None,
        max_characters_per_second=None,
        max_silent_word_share=None,
    )
    check_transcript(transcript("thank you " * 40), 1.0, None, off)


def test_no_speech_before_transcription_measures_the_sound() -> None:
    settings = GuardSettings(min_speech_seconds=0.3)
    with pytest.raises(TranscriptionError) as caught:
        check_speech_present(speech_activity(np.zeros(RATE, dtype=np.float32), RATE), settings)
    assert caught.value.code == "no_speech" and caught.value.details == {"active_seconds": 0.0}
    short = speech_activity(tone_with_silence((0.5, 0.6), 2.0), RATE)
    with pytest.raises(TranscriptionError):
        check_speech_present(short, settings)
    check_speech_present(speech_activity(tone_with_silence((0.5, 1.0), 2.0), RATE), settings)
