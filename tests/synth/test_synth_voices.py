"""espeak-ng as a voice source: distinct speakers, and pace and pitch that move as asked (measured)."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.errors import ConfigError
from voxtune.synth.espeak_voices import EspeakVoices
from voxtune.synth.voices import Variation, voice_source, voice_source_names

pytestmark = pytest.mark.filterwarnings("ignore:pkg_resources is deprecated:UserWarning")

SENTENCE = "the quick brown fox jumps over the lazy dog and runs far away"


def median_f0(audio: np.ndarray, rate: int) -> float:
    import pyworld  # imported here: its import warns about pkg_resources, filtered for these tests

    signal = audio.astype(np.float64)
    f0, times = pyworld.dio(signal, rate, f0_floor=60, f0_ceil=500)
    f0 = pyworld.stonemask(signal, f0, times, rate)
    return float(np.median(f0[f0 > 0]))


def test_speakers_are_distinct_voices_of_the_language() -> None:
    speakers = EspeakVoices().speakers("no", 6)
    assert [s.language for s in speakers] == ["nb"] * 6
    assert len({s.id for s in speakers}) == 6
    assert len({(s.settings["variant"], s.settings["pitch"], s.settings["rate"]) for s in speakers}) == 6
    assert {s.settings["voice"] for s in speakers} == {"nb"}


def test_asking_for_more_speakers_than_there_are_says_how_many() -> None:
    with pytest.raises(ConfigError, match="1 to 16 speakers"):
        EspeakVoices().speakers("en", 17)


def test_pitch_variation_moves_f0_by_the_asked_semitones() -> None:
    source = EspeakVoices()
    speaker = source.speakers("en", 1)[0]
    low, high = source.speak([SENTENCE, SENTENCE], speaker, [Variation(pitch=-4), Variation(pitch=4)], seed=0)
    measured = 12 * np.log2(median_f0(high.audio, high.sample_rate) / median_f0(low.audio, low.sample_rate))
    assert measured == pytest.approx(8.0, abs=1.0)


def test_speed_variation_scales_duration_inversely() -> None:
    source = EspeakVoices()
    speaker = source.speakers("en", 2)[1]
    slow, fast = source.speak(
        [SENTENCE, SENTENCE], speaker, [Variation(speed=0.8), Variation(speed=1.25)], seed=0
    )
    assert len(fast.audio) / len(slow.audio) == pytest.approx(0.8 / 1.25, rel=0.06)
    assert fast.words is not None and [w for w, _, _ in fast.words] == SENTENCE.split()


def test_voice_sources_by_name() -> None:
    assert "espeak" in voice_source_names()
    assert isinstance(voice_source("espeak"), EspeakVoices)
    with pytest.raises(ConfigError, match="Choose one of: espeak"):
        voice_source("piper")
