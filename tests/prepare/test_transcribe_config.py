"""The transcribe stage's bad settings: caught when the recipe is read, or before any item runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.transcribe_runs import WHISPER, make_clips_folder, run
from voxtune.errors import ConfigError, InputError
from voxtune.prepare import parse_recipe


def model_folder(folder: Path, model_type: str, architecture: str) -> Path:
    """A folder whose config.json says what model it holds (and nothing else: no weights)."""
    folder.mkdir()
    (folder / "config.json").write_text(
        json.dumps({"model_type": model_type, "architectures": [architecture]})
    )
    return folder


def recipe_error(tmp_path: Path, **stage: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_recipe(
            {"stages": [{"stage": "ingest", "path": str(tmp_path)}, {"stage": "transcribe", **stage}]},
            base_dir=tmp_path,
        )
    return str(caught.value)


def test_bad_settings_fail_when_the_recipe_is_read(tmp_path: Path) -> None:
    whisper = model_folder(tmp_path / "whisper", "whisper", "WhisperForConditionalGeneration")
    classifier = model_folder(tmp_path / "emotion", "wav2vec2", "Wav2Vec2ForSequenceClassification")
    assert "model folder not found: " + str(tmp_path / "no-such-model") in recipe_error(
        tmp_path, model="./no-such-model"
    )
    assert f"{classifier} holds a 'wav2vec2' model, not whisper" in recipe_error(tmp_path, model="emotion")
    unknown = recipe_error(tmp_path, backend="existing", language="xx")
    assert (
        "Unsupported language code 'xx'" in unknown
        and "da, de, en, es, fr, lb, ms, nb, nl, sv, te" in unknown
    )
    assert "Unsupported language code 'zz'" in recipe_error(
        tmp_path, model=str(whisper), candidate_languages=["en", "zz"]
    )
    assert "needs 'model'" in recipe_error(tmp_path)
    assert "uses no model" in recipe_error(tmp_path, backend="existing", model=str(whisper))
    assert "has no model.bin" in recipe_error(tmp_path, backend="faster_whisper", model=str(whisper))


def test_a_model_that_cannot_load_stops_the_run_before_any_item(tmp_path: Path, fsdd_dir: Path) -> None:
    clips_folder = make_clips_folder(tmp_path, fsdd_dir)
    broken = model_folder(tmp_path / "broken-whisper", "whisper", "WhisperForConditionalGeneration")
    with pytest.raises(InputError, match=f"cannot load the Whisper model and processor from '{broken}'"):
        run(tmp_path, clips_folder, {**WHISPER, "model": str(broken)})
    parts = tmp_path / "corpus" / "stages" / "02_transcribe" / "parts"
    assert not list(parts.glob("*.stats.json"))  # no chunk of items was processed


def test_a_forced_language_the_model_lacks_stops_the_run(tmp_path: Path, fsdd_dir: Path) -> None:
    from voxtune.asr.tiny import build_tiny_whisper

    two_languages = build_tiny_whisper(tmp_path / "en-te-whisper", languages=["en", "te"])
    clips_folder = make_clips_folder(tmp_path, fsdd_dir)
    with pytest.raises(InputError, match=r"has no language token for 'sv'\. It knows: en, te"):
        run(tmp_path, clips_folder, {**WHISPER, "model": str(two_languages), "language": "sv"})
