"""Whisper language ID on a tiny random model: detection, candidates, forced languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr
import torch

from support.tiny_models import tiny_whisper_dir
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


def test_detection_gives_a_language_with_its_probability(transcriber, clips) -> None:
    results = transcriber.transcribe_batch(clips, 8000)
    scores = transcriber.language_scores(clips, 8000)
    for clip, result, score in zip(clips, results, scores, strict=True):
        assert sum(score.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
        assert len(score.probabilities) == 100
        _, probability = score.best()
        assert 0.0 <= result.language_probability <= 1.0
        assert result.language_probability == pytest.approx(probability, abs=1e-5)
        assert 0.0 <= result.no_speech_probability <= 1.0
        assert_words_well_formed(result, clip.size / 8000)
        assert result.text == " ".join(result.text.split())


def test_detection_agrees_with_transformers_detect_language(transcriber, clips) -> None:
    samples = [soxr.resample(clip, 8000, 16000) for clip in clips]
    features = transcriber.feature_extractor(samples, sampling_rate=16000, return_tensors="pt").input_features
    with torch.inference_mode():
        ids = transcriber.model.detect_language(features).tolist()
    tokens = transcriber.tokenizer.convert_ids_to_tokens(ids)
    ours = [score.best()[0] for score in transcriber.language_scores(clips, 8000)]
    assert [token[2:-2] for token in tokens] == ours


def test_a_language_we_do_not_support_keeps_whispers_code(transcriber, clips) -> None:
    detected = transcriber.transcribe(clips[0], 8000).language
    whisper_code = transcriber.language_scores([clips[0]], 8000)[0].best()[0]
    assert detected == {"no": "nb"}.get(whisper_code, whisper_code)


def test_candidate_languages_restrict_and_renormalise(clips) -> None:
    restricted = WhisperTranscriber.from_pretrained(
        tiny_whisper_dir(), candidate_languages=["te", "nb", "en"], max_new_tokens=8
    )
    scores = restricted.language_scores(clips, 8000)
    results = restricted.transcribe_batch(clips, 8000)
    for score, result in zip(scores, results, strict=True):
        among = score.among(["te", "no", "en"])
        assert sum(among.values()) == pytest.approx(1.0, abs=1e-5)
        assert among["te"] / among["en"] == pytest.approx(
            score.probabilities["te"] / score.probabilities["en"]
        )
        best = max(among, key=among.__getitem__)
        assert result.language == {"no": "nb"}.get(best, best)
        assert result.language_probability == pytest.approx(among[best], abs=1e-5)
    # a forced language outside the candidates is scored among them and itself
    forced = restricted.transcribe(clips[0], 8000, "sv")
    among = scores[0].among(["en", "no", "sv", "te"])
    assert forced.language == "sv" and forced.language_probability == pytest.approx(among["sv"], abs=1e-5)


def test_forced_languages_are_kept_and_scored(transcriber, clips) -> None:
    results = transcriber.transcribe_batch(clips, 8000, ["nb", "te", "no", None])
    assert [r.language for r in results[:3]] == ["nb", "te", "nb"]
    scores = transcriber.language_scores(clips, 8000)
    assert results[0].language_probability == pytest.approx(scores[0].probabilities["no"], abs=1e-5)
    assert results[1].language_probability == pytest.approx(scores[1].probabilities["te"], abs=1e-5)


def test_the_model_must_know_a_forced_language(transcriber, clips) -> None:
    assert transcriber.supports("nb") and transcriber.supports("lb") and transcriber.supports("ms")
    tiny_en = WhisperTranscriber(
        transcriber.model, _Processor(transcriber), candidate_languages=None, max_new_tokens=4
    )
    tiny_en.language_ids = {"en": tiny_en.language_ids["en"], "te": tiny_en.language_ids["te"]}
    assert not tiny_en.supports("sv")
    with pytest.raises(InputError, match=r"no <\|sv\|> token.*It knows: en, te"):
        tiny_en.transcribe(clips[0], 8000, "sv")


class _Processor:
    def __init__(self, transcriber: WhisperTranscriber):
        self.tokenizer = transcriber.tokenizer
        self.feature_extractor = transcriber.feature_extractor
