"""A Whisper judge in the suite (the tiny random Whisper, loaded by folder like a hub id): multilingual
WER/CER and text-side language ID come from its transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.tiny_models import tiny_whisper_dir
from voxtune.evaluate.metrics.language_id import TextLanguageDetector
from voxtune.evaluate.metrics.wer import character_error_rate, word_error_rate
from voxtune.evaluate.suite.config import JudgesSpec
from voxtune.evaluate.suite.items import EvalItem
from voxtune.evaluate.suite.judges import Judges
from voxtune.evaluate.suite.scoring import Output, Scorer


def test_a_whisper_judge_scores_any_language(read_clip) -> None:
    model = tiny_whisper_dir()
    judges = Judges(JudgesSpec(asr={"*": f"whisper:{model}"}))
    scorer = Scorer(judges, {"wer", "cer", "language_id"}, task="tts", candidate_languages=["nb", "sv"])
    samples, rate = read_clip(4, "lucas", 1)
    item = EvalItem("nb-1", "test", "Vi skal på kino i kveld.", "nb")
    scores = scorer.score(Output("adapter", item, audio=samples, sample_rate=rate))
    assert judges.status == {
        f"asr whisper:{Path(model)}": "loaded",
        "text language ID (lingua: nb, sv)": "loaded",
    }
    heard = scores.transcript
    assert heard is not None and not scores.failures
    assert scores.values["wer"] == pytest.approx(
        word_error_rate([item.text], [heard], language="nb").corpus_rate
    )
    assert scores.values["cer"] == pytest.approx(character_error_rate([item.text], [heard]).corpus_rate)
    guess = TextLanguageDetector(["nb", "sv"]).detect(heard)
    assert scores.predicted_language == (None if guess is None else guess.language)
    assert scores.values["language_id"] == float(scores.predicted_language == "nb")
