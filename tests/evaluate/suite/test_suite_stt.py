"""The suite on a speech-to-text family: it transcribes the test split and scores the text it returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.eval_runs import put_in_split, write_eval_config
from support.fake_stt import DigitsSttFamily
from support.tiny_csm import fsdd_corpus
from voxtune.errors import ConfigError
from voxtune.evaluate.judges.pocketsphinx_judge import PocketsphinxJudge
from voxtune.evaluate.metrics.wer import word_error_rate
from voxtune.evaluate.suite import run_evaluation


def test_stt_family_is_scored_on_its_transcripts(fsdd_dir: Path, tmp_path: Path) -> None:
    model = DigitsSttFamily().build_tiny(tmp_path / "stt", [])
    put_in_split(fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["jackson"], indices=range(1)), "test")
    config = write_eval_config(
        tmp_path, name="stt", model={"base": str(model)}, corpus="corpus", max_items=4, report={"samples": 2}
    )
    result = run_evaluation(config)
    assert result.task == "stt" and result.keys == ["wer", "cer", "latency_s", "rtf"]
    assert [s.name for s in result.systems] == ["base"]  # no reference row: nothing is synthesised
    records = [r for r in result.records if r.system == "base"]
    assert len(records) == 4 and all(r.output_text is not None for r in records)
    # the suite's WER is what the same recogniser scores on the same clips, computed directly
    judge = PocketsphinxJudge("digits")
    direct = word_error_rate(
        [r.text for r in records], [judge.transcribe(*_audio(fsdd_dir, r.item)) for r in records]
    )
    assert result.table["test"]["all"]["wer"]["base"].corpus_rate == pytest.approx(direct.corpus_rate)
    assert [r.output_text for r in records] == [judge.transcribe(*_audio(fsdd_dir, r.item)) for r in records]
    assert all(r.scores.values["rtf"] > 0 for r in records)
    page = result.report_path.read_text(encoding="utf-8")
    assert "Test split" in page and "heard" in page


def _audio(fsdd_dir: Path, item: str):
    import soundfile as sf

    speaker, digit, index = item.split("_")
    return sf.read(str(fsdd_dir / f"{digit}_{speaker}_{index}.wav"), dtype="float32")


def test_stt_families_take_no_sentences_to_synthesise(tmp_path: Path) -> None:
    model = DigitsSttFamily().build_tiny(tmp_path / "stt", [])
    config = write_eval_config(
        tmp_path, name="stt", model={"base": str(model)}, regression={"sentences": ["one"]}
    )
    with pytest.raises(ConfigError, match="regression and confusion sentences are synthesised"):
        run_evaluation(config)
