"""The transcribe stage with the whisper backend through run_recipe: tiny Whisper on FSDD clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from support.threads import single_torch_thread
from support.tiny_models import tiny_whisper_dir
from support.transcribe_runs import CLIPS, QUIET_GUARDS, WHISPER, make_clips_folder, run, word_times_inside
from voxtune.asr.whisper import WhisperTranscriber

__all__ = ["single_torch_thread"]


@pytest.fixture
def clips_folder(tmp_path: Path, fsdd_dir: Path) -> Path:
    return make_clips_folder(tmp_path, fsdd_dir)


def test_whisper_writes_text_language_probability_and_word_times(tmp_path: Path, clips_folder: Path) -> None:
    stage = {
        **WHISPER,
        "model": str(tiny_whisper_dir()),
        "candidate_languages": ["en", "te"],
        "guards": QUIET_GUARDS,
    }
    result, corpus = run(tmp_path, clips_folder, stage)
    transcribe = result.stages[1]
    assert (transcribe.items_in, transcribe.items_out, transcribe.by_code) == (5, 4, {"no_speech": 1})
    assert [r.id for r in corpus.rejections()] == ["silence"]
    reference = WhisperTranscriber.from_pretrained(
        tiny_whisper_dir(), candidate_languages=["en", "te"], max_new_tokens=6
    )
    for cut in corpus.cuts():
        supervision = cut.supervisions[0]
        assert supervision.text and supervision.text == supervision.custom["text_original"]
        assert supervision.language in {"en", "te"}
        assert 0.0 <= supervision.custom["language_probability"] <= 1.0
        word_times_inside(supervision)
        expected = reference.transcribe(cut.load_audio()[0], cut.sampling_rate)
        assert (supervision.text, supervision.language) == (expected.text, expected.language)
        assert [(w.symbol, w.start) for w in supervision.alignment["word"]] == [
            (w.text, w.start) for w in expected.words
        ]
        assert cut.custom["stages"] == ["ingest", "transcribe"]


def test_the_language_gate_rejects_exactly_the_unlikely_items(tmp_path: Path, clips_folder: Path) -> None:
    reference = WhisperTranscriber.from_pretrained(tiny_whisper_dir())
    names = [Path(name).stem for name in CLIPS]
    scores = reference.language_scores(
        [sf.read(clips_folder / name, dtype="float32")[0] for name in CLIPS], 8000
    )
    probabilities = {name: score.probabilities["te"] for name, score in zip(names, scores, strict=True)}
    gate = float(np.median(list(probabilities.values())))
    stage = {**WHISPER, "model": str(tiny_whisper_dir()), "language": "te", "min_language_probability": gate}
    _, corpus = run(tmp_path, clips_folder, {**stage, "guards": QUIET_GUARDS})
    rejected = {r.id: r for r in corpus.rejections() if r.code == "low_language_probability"}
    assert set(rejected) == {key for key, p in probabilities.items() if p < gate}
    assert 0 < len(rejected) < len(CLIPS)
    for key, rejection in rejected.items():
        assert rejection.details["probability"] == pytest.approx(probabilities[key], abs=1e-4)
        assert rejection.details["language"] == "te" and rejection.stage == "transcribe"


def test_hallucination_guards_reject_with_their_codes(tmp_path: Path, clips_folder: Path) -> None:
    stage = {
        **WHISPER,
        "model": str(tiny_whisper_dir()),
        "language": "nb",
        "guards": {"max_characters_per_second": 0.5},
    }
    result, corpus = run(tmp_path, clips_folder, {**stage, "guards": {**QUIET_GUARDS, **stage["guards"]}})
    assert result.items_out == 0
    codes = {r.id: r for r in corpus.rejections()}
    assert codes.pop("silence").code == "no_speech"
    too_long = [r for r in codes.values() if r.code == "text_too_long"]
    assert too_long and {r.code for r in codes.values()} <= {"text_too_long", "empty_transcript"}
    for rejection in too_long:
        assert rejection.details["characters"] > 0.5 * rejection.details["seconds"] + 5


def test_word_times_are_on_the_recording_clock_for_a_cut_inside_a_file(
    tmp_path: Path, fsdd_dir: Path
) -> None:
    """lhotse counts alignment times from the recording's start, also for a cut that starts later."""
    from voxtune.prepare.stage import StageContext
    from voxtune.prepare.stages.transcribe import Transcribe, TranscribeConfig
    from voxtune.sources.items import cut_from_file

    clip = sf.read(fsdd_dir / "2_nicolas_3.wav", dtype="float32")[0]
    path = tmp_path / "long.wav"
    sf.write(
        path, np.concatenate([np.zeros(8000, dtype=np.float32), clip, np.zeros(4000, dtype=np.float32)]), 8000
    )
    cut = cut_from_file(path, "long").truncate(offset=0.9, duration=clip.size / 8000 + 0.3)
    config = TranscribeConfig(
        model=str(tiny_whisper_dir()), language="en", max_new_tokens=6, guards=QUIET_GUARDS
    )
    context = StageContext(tmp_path, tmp_path / "work", tmp_path / "audio", index=2, workers=1, seed=0)
    stage = Transcribe(config, context)
    stage.setup()
    supervision = stage.process(cut).supervisions[0]
    expected = WhisperTranscriber.from_pretrained(tiny_whisper_dir(), max_new_tokens=6).transcribe(
        cut.load_audio()[0], 8000, "en"
    )
    assert cut.start == 0.9 and (supervision.start, supervision.duration) == (0.0, cut.duration)
    assert [(w.symbol, w.start) for w in supervision.alignment["word"]] == [
        (w.text, round(0.9 + w.start, 3)) for w in expected.words
    ]
    truncated = cut.truncate(offset=0.1, duration=0.4)  # lhotse leaves alignment times where they are
    assert truncated.supervisions[0].alignment["word"][0].start == supervision.alignment["word"][0].start
