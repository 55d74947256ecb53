from __future__ import annotations

import numpy as np
import pytest

from voxtune.audio.regions import Region
from voxtune.audio.trim import NoSpeechError, energy_speech_span, trim_silence
from voxtune.audio.vad import detect_speech
from voxtune.errors import ItemError


@pytest.fixture(scope="module")
def padded_speech(utterance):
    """Three digits with 1.5 s of faint noise before and 2 s after."""
    return utterance(
        [(1, "george", 4), (5, "lucas", 9), (9, "jackson", 2)],
        [0.4, 0.4],
        lead=1.5,
        tail=2.0,
        noise_dbfs=-70,
    )


def test_energy_trim_keeps_the_speech_and_a_margin(padded_speech):
    rate = padded_speech.sample_rate
    first, last = padded_speech.spans[0][0], padded_speech.spans[-1][1]
    trimmed, kept = trim_silence(padded_speech.audio, rate, margin_seconds=0.1)
    assert kept.start == pytest.approx(first - 0.1, abs=0.02)
    assert kept.end == pytest.approx(last + 0.1, abs=0.02)
    assert trimmed.shape == (1, round(kept.duration * rate))
    start = round(kept.start * rate)
    np.testing.assert_array_equal(trimmed[0], padded_speech.audio[start : start + trimmed.shape[1]])


def test_vad_trim_follows_the_regions(padded_speech, vad):
    rate = padded_speech.sample_rate
    regions = detect_speech(padded_speech.audio, rate, vad)
    _, kept = trim_silence(padded_speech.audio, rate, speech=regions, margin_seconds=0.05)
    assert kept == Region(
        int((regions[0].start - 0.05) * rate) / rate,
        np.ceil((regions[-1].end + 0.05) * rate) / rate,
    )
    assert kept.start == pytest.approx(padded_speech.spans[0][0] - 0.05, abs=0.1)
    assert kept.end == pytest.approx(padded_speech.spans[-1][1] + 0.05, abs=0.2)


def test_margin_stops_at_the_edges():
    rate = 1000
    audio = np.zeros(1000, np.float32)
    audio[:50] = 0.5
    audio[950:] = 0.5
    trimmed, kept = trim_silence(audio, rate, margin_seconds=0.3)
    assert kept == Region(0.0, 1.0) and trimmed.shape == (1, 1000)


def test_silence_raises_a_ledger_error():
    with pytest.raises(NoSpeechError) as caught:
        trim_silence(np.zeros(16000, np.float32), 16000)
    assert isinstance(caught.value, ItemError) and caught.value.code == "no_speech"
    with pytest.raises(NoSpeechError):
        trim_silence(np.full(16000, 0.1, np.float32), 16000, speech=[])
    assert energy_speech_span(np.full(800, 1e-5, np.float32), 8000) is None  # under -60 dBFS
