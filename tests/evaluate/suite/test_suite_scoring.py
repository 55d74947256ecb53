"""Scoring one output: known WER/CER, failures per metric, metrics that do not apply, output checks."""

from __future__ import annotations

import numpy as np
import pytest

from voxtune.evaluate.errors import ItemFailure, UnscorableError
from voxtune.evaluate.suite.config import JudgesSpec
from voxtune.evaluate.suite.items import EvalItem
from voxtune.evaluate.suite.judges import Judges
from voxtune.evaluate.suite.scoring import Output, Scorer, check_output_audio

RATE = 16000


class HeardJudge:
    """An ASR judge that hears a fixed sentence."""

    def __init__(self, heard: str):
        self.name = "heard"
        self.heard = heard

    def transcribe(self, audio: np.ndarray, sample_rate: int, language: str | None = None) -> str:
        return self.heard


class FixedJudges(Judges):
    def __init__(self, heard: str, **spec: object):
        super().__init__(JudgesSpec(**{"asr": {"en": "fixed", "nb": "fixed"}, **spec}))
        self.heard = heard

    def asr(self, language: str | None) -> HeardJudge:
        if not self.has_asr(language):
            return super().asr(language)
        return HeardJudge(self.heard)


def tone(seconds: float = 1.0, freq: float = 200.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def output(item: EvalItem, audio: np.ndarray | None = None, **kwargs: object) -> Output:
    return Output("base", item, audio=tone() if audio is None else audio, sample_rate=RATE, **kwargs)


ITEM = EvalItem("a", "regression", "One two, three!", "en")


def test_wer_and_cer_are_the_hand_computed_values() -> None:
    scorer = Scorer(FixedJudges("one two"), {"wer", "cer"}, task="tts")
    scores = scorer.score(output(ITEM))
    assert scores.transcript == "one two"
    assert scores.values["wer"] == pytest.approx(1 / 3) and scores.counts["wer"] == (1, 3)
    # "one two three" -> "one two": the space and "three" are 6 deleted characters of 13
    assert scores.values["cer"] == pytest.approx(6 / 13) and scores.counts["cer"] == (6, 13)
    assert not scores.failures


def test_a_failed_output_fails_every_metric_and_counts_as_all_deletions() -> None:
    scorer = Scorer(FixedJudges("one two three"), {"wer", "dnsmos", "latency"}, task="tts")
    failure = ItemFailure("a", "silent_output", "silent")
    scores = scorer.score(Output("base", ITEM, failure=failure))
    assert scores.values == {"wer": 1.0} and scores.counts["wer"] == (3, 3)
    assert {k: f.code for k, f in scores.failures.items()} == {
        key: "silent_output" for key in ("wer", "dnsmos_ovrl", "dnsmos_sig", "dnsmos_bak", "latency_s", "rtf")
    }


def test_a_language_without_a_judge_is_not_applicable_rather_than_failed() -> None:
    scorer = Scorer(FixedJudges("hello"), {"wer", "cer", "latency"}, task="tts")
    item = EvalItem("t", "test", "నమస్కారం", "te")
    scores = scorer.score(output(item, seconds=0.5))
    assert not scores.failures
    assert set(scores.skipped) == {"wer", "cer"}
    assert "no ASR judge is configured for language te" in scores.skipped["wer"]
    assert scores.values == {"latency_s": 0.5, "rtf": 0.5}


def test_text_side_language_id_uses_the_judges_transcript() -> None:
    judges = FixedJudges("Jeg liker å gå tur i skogen om morgenen sammen med hunden min.")
    scorer = Scorer(judges, {"language_id"}, task="tts", candidate_languages=["en", "nb"])
    norwegian = scorer.score(output(EvalItem("n", "confusion", "x", "nb")))
    assert norwegian.predicted_language == "nb" and norwegian.values["language_id"] == 1.0
    english = scorer.score(output(EvalItem("e", "confusion", "x", "en")))
    assert english.predicted_language == "nb" and english.values["language_id"] == 0.0


def test_sets_without_recordings_skip_reference_metrics() -> None:
    scorer = Scorer(FixedJudges("one two three"), {"mcd", "f0", "speaker", "wer"}, task="tts")
    scores = scorer.score(output(ITEM))  # a regression item has no cut: nothing to compare against
    assert set(scores.values) == {"wer"} and not scores.failures


def test_stt_outputs_are_scored_on_their_own_text() -> None:
    scorer = Scorer(Judges(JudgesSpec()), {"wer", "cer", "latency"}, task="stt")
    item = EvalItem("s", "test", "seven eight", "en")
    scores = scorer.score(Output("base", item, text="seven", seconds=0.2, input_seconds=2.0))
    assert scores.values["wer"] == 0.5 and scores.values["rtf"] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("audio", "code"),
    [
        (np.zeros(0, dtype=np.float32), "empty_output"),
        (None, "empty_output"),
        (np.zeros(RATE, dtype=np.float32), "silent_output"),
        (np.full(RATE, np.nan, dtype=np.float32), "non_finite_output"),
    ],
)
def test_unusable_output_audio_has_a_specific_code(audio: np.ndarray | None, code: str) -> None:
    with pytest.raises(UnscorableError) as info:
        check_output_audio("x", audio, RATE)
    assert info.value.code == code
    check_output_audio("x", tone(), RATE)  # real audio passes


def test_an_unloadable_judge_is_named_once_and_fails_its_metric(tmp_path) -> None:
    missing = tmp_path / "whisper-nowhere"
    judges = Judges(JudgesSpec(asr={"en": f"whisper:{missing}"}))
    scorer = Scorer(judges, {"wer", "latency"}, task="tts")
    for _ in range(2):
        scores = scorer.score(output(ITEM, seconds=1.0))
        assert scores.failures["wer"].code == "judge_unavailable"
        assert str(missing) in scores.failures["wer"].reason
        assert scores.values["latency_s"] == 1.0
    assert list(judges.status) == [f"asr whisper:{missing}"]
    assert judges.status[f"asr whisper:{missing}"].startswith("unavailable: model folder not found")
