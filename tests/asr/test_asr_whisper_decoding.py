"""Whisper decoding on a tiny random model: batches, rates, long audio, loading (plumbing, not text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from support.tiny_models import tiny_emotion_dir, tiny_whisper_dir
from voxtune.asr.transcript import Transcript
from voxtune.asr.whisper import WhisperTranscriber
from voxtune.errors import InputError

CLIPS = ("3_jackson_0.wav", "5_george_3.wav", "7_lucas_10.wav", "0_nicolas_4.wav")


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    return WhisperTranscriber.from_pretrained(tiny_whisper_dir(), max_new_tokens=8, batch_size=4)


@pytest.fixture(scope="module")
def clips(fsdd_dir: Path) -> list[np.ndarray]:
    return [sf.read(fsdd_dir / name, dtype="float32")[0] for name in CLIPS]


def assert_words_well_formed(transcript: Transcript, duration: float) -> None:
    starts = [word.start for word in transcript.words]
    assert starts == sorted(starts)
    for word in transcript.words:
        assert 0.0 <= word.start <= word.end <= duration + 1e-6
        assert word.text == word.text.strip() and word.text


def test_a_batch_gives_what_one_by_one_gives(transcriber, clips) -> None:
    languages = ["en", "sv", "da"]
    batched = transcriber.transcribe_batch(clips[:3], 8000, languages)
    single = [
        transcriber.transcribe(clip, 8000, code) for clip, code in zip(clips[:3], languages, strict=True)
    ]
    for one, other in zip(batched, single, strict=True):
        assert one.text == other.text
        assert [(w.text, w.start, w.end) for w in one.words] == [
            (w.text, w.start, w.end) for w in other.words
        ]
        assert one.language_probability == pytest.approx(other.language_probability, abs=1e-5)


def test_any_sample_rate_or_channel_layout_is_accepted(transcriber, clips) -> None:
    at_16k = soxr.resample(clips[1], 8000, 16000, quality="HQ")
    direct = transcriber.transcribe(clips[1], 8000, "en")
    resampled = transcriber.transcribe(at_16k, 16000, "en")
    assert direct.text == resampled.text
    stereo = np.stack([clips[1], clips[1]])
    assert transcriber.transcribe(stereo, 8000, "en").text == direct.text
    pcm = (clips[1] * 32767).astype(np.int16)
    assert transcriber.transcribe(pcm, 8000, "en").language == "en"


def test_long_audio_is_decoded_window_after_window(transcriber, clips, monkeypatch) -> None:
    audio = np.concatenate([clips[0], np.zeros(8000 * 34, dtype=np.float32), clips[1]])
    duration = audio.size / 8000
    calls: list[dict] = []
    generate = transcriber.model.generate

    def spy(**options):
        if "input_features" in options:
            frames = options["input_features"].shape[-1]
        else:  # a 30 s window encoded once, for language ID and decoding: 2 feature frames per output
            frames = 2 * options["encoder_outputs"].last_hidden_state.shape[1]
        calls.append({"frames": frames, **options})
        return generate(**options)

    monkeypatch.setattr(transcriber.model, "generate", spy)
    result = transcriber.transcribe(audio, 8000, "te")
    assert_words_well_formed(result, duration)
    # the whole file goes to Whisper's sequential long-form decoding, not just its first 30 s
    frames = int(duration * 16000) // 160  # 10 ms feature frames
    assert abs(calls[0]["frames"] - frames) <= 1
    assert calls[0]["force_unique_generate_call"] is False
    assert int(calls[0]["attention_mask"].sum()) == calls[0]["frames"]
    calls.clear()
    mixed = transcriber.transcribe_batch([clips[2], audio, clips[3]], 8000, ["te", "te", "te"])
    assert mixed[1].text == result.text
    # short clips are batched together in one 30 s pass, the long one on its own
    assert [(c["frames"], c["force_unique_generate_call"]) for c in calls] == [
        (3000, True),
        (calls[1]["frames"], False),
    ]
    assert calls[1]["frames"] > 3000


def test_loading_refuses_folders_that_are_not_whisper(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="holds a wav2vec2 model, not Whisper"):
        WhisperTranscriber.from_pretrained(tiny_emotion_dir())
    with pytest.raises(InputError, match="cannot load a Whisper model from"):
        WhisperTranscriber.from_pretrained(tmp_path / "nothing-here")
