"""The emotion stage through run_recipe: a tiny classifier on FSDD clips, and labels from a manifest."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from support.threads import single_torch_thread
from support.tiny_models import tiny_emotion_dir, tiny_whisper_dir
from support.transcribe_runs import run
from voxtune.emotion.classifier import EmotionClassifier
from voxtune.emotion.labels import LabelMap
from voxtune.errors import ConfigError
from voxtune.prepare import parse_recipe

__all__ = ["single_torch_thread"]

CLIPS = ("1_george_5.wav", "2_jackson_7.wav", "6_lucas_1.wav", "8_nicolas_9.wav", "4_george_0.wav")


@pytest.fixture
def clips_folder(tmp_path: Path, fsdd_dir: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in CLIPS:
        shutil.copy(fsdd_dir / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def expected(fsdd_dir: Path) -> dict[str, tuple[str, float]]:
    """Label and confidence of each clip from the classifier called directly."""
    classifier = EmotionClassifier.from_pretrained(tiny_emotion_dir())
    labels = LabelMap.create()
    scores = classifier.classify_batch([sf.read(fsdd_dir / name, dtype="float32")[0] for name in CLIPS], 8000)
    return {
        Path(name).stem: (labels.canonical(score.label), score.confidence)
        for name, score in zip(CLIPS, scores, strict=True)
    }


def test_classifier_labels_every_segment_with_its_confidence(tmp_path, clips_folder, expected) -> None:
    stage = {"stage": "emotion", "model": str(tiny_emotion_dir()), "batch_size": 2}
    result, corpus = run(tmp_path, clips_folder, stage)
    assert (result.stages[1].items_in, result.stages[1].items_out) == (5, 5)
    for cut in corpus.cuts():
        custom = cut.supervisions[0].custom
        label, confidence = expected[cut.id]
        assert custom["emotion"] == label and label in {"neutral", "happy", "angry", "sad"}
        assert custom["emotion_confidence"] == pytest.approx(confidence, abs=1e-3)


def test_the_confidence_gate_rejects_exactly_the_unsure_items(tmp_path, clips_folder, expected) -> None:
    gate = float(np.median([confidence for _, confidence in expected.values()]))
    stage = {"stage": "emotion", "model": str(tiny_emotion_dir()), "min_confidence": gate}
    _, corpus = run(tmp_path, clips_folder, stage)
    rejected = {r.id: r for r in corpus.rejections()}
    assert set(rejected) == {key for key, (_, confidence) in expected.items() if confidence < gate}
    assert 0 < len(rejected) < len(CLIPS)
    for key, rejection in rejected.items():
        assert rejection.code == "low_emotion_confidence"
        assert rejection.details == {"label": expected[key][0], "confidence": round(expected[key][1], 4)}


def write_manifest(tmp_path: Path, clips_folder: Path, labels: list[str]) -> Path:
    path = tmp_path / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "text", "emotion"])
        for name, label in zip(CLIPS, labels, strict=True):
            writer.writerow([f"{clips_folder.name}/{name}", "a digit", label])
    return path


def test_manifest_labels_are_mapped_and_checked(tmp_path: Path, clips_folder: Path) -> None:
    manifest = write_manifest(tmp_path, clips_folder, ["hap", "Angry", "bored", "", "joy"])
    stage = {"stage": "emotion", "source": "manifest", "synonyms": {"joy": "calm"}}
    result, corpus = run(tmp_path, manifest, stage)
    labels = {Path(cut.id).name: cut.supervisions[0].custom["emotion"] for cut in corpus.cuts()}
    assert labels == {"1_george_5": "happy", "2_jackson_7": "angry", "4_george_0": "calm"}
    assert {Path(r.id).name: r.code for r in corpus.rejections()} == {
        "6_lucas_1": "unknown_emotion",
        "8_nicolas_9": "no_emotion",
    }
    assert result.stages[1].by_code == {"unknown_emotion": 1, "no_emotion": 1}


def test_items_without_a_label_can_be_kept(tmp_path: Path, clips_folder: Path) -> None:
    manifest = write_manifest(tmp_path, clips_folder, ["sad", "", "", "neu", "fear"])
    _, corpus = run(tmp_path, manifest, {"stage": "emotion", "source": "manifest", "on_missing": "keep"})
    labels = {Path(cut.id).name: (cut.supervisions[0].custom or {}).get("emotion") for cut in corpus.cuts()}
    assert labels == {
        "1_george_5": "sad",
        "2_jackson_7": None,
        "6_lucas_1": None,
        "8_nicolas_9": "neutral",
        "4_george_0": "fearful",
    }


def recipe_error(tmp_path: Path, **stage: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_recipe(
            {"stages": [{"stage": "ingest", "path": str(tmp_path)}, {"stage": "emotion", **stage}]},
            base_dir=tmp_path,
        )
    return str(caught.value)


def test_bad_settings_fail_when_the_recipe_is_read(tmp_path: Path) -> None:
    assert "needs 'model'" in recipe_error(tmp_path)
    assert "uses no model" in recipe_error(tmp_path, source="manifest", model=str(tiny_emotion_dir()))
    assert "not a model ending in ForAudioClassification or ForSequenceClassification" in recipe_error(
        tmp_path, model=str(tiny_whisper_dir())
    )
    assert "model folder not found" in recipe_error(tmp_path, model="./missing-classifier")
    assert "not allowed: bored" in recipe_error(tmp_path, source="manifest", synonyms={"meh": "bored"})
