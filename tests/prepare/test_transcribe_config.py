"""The transcribe stage's bad settings: caught when the recipe is read, or before any item runs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from support.tiny_models import tiny_emotion_dir, tiny_whisper_dir
from support.transcribe_runs import WHISPER, make_clips_folder, run
from voxtune.errors import ConfigError, InputError
from voxtune.prepare import parse_recipe


def recipe_error(tmp_path: Path, **stage: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_recipe(
            {"stages": [{"stage": "ingest", "path": str(tmp_path)}, {"stage": "transcribe", **stage}]},
            base_dir=tmp_path,
        )
    return str(caught.value)


def test_bad_settings_fail_when_the_recipe_is_read(tmp_path: Path) -> None:
    assert "model folder not found: " + str(tmp_path / "no-such-model") in recipe_error(
        tmp_path, model="./no-such-model"
    )
    assert f"{tiny_emotion_dir()} holds a 'wav2vec2' model, not whisper" in recipe_error(
        tmp_path, model=str(tiny_emotion_dir())
    )
    unknown = recipe_error(tmp_path, backend="existing", language="xx")
    assert (
        "Unsupported language code 'xx'" in unknown
        and "da, de, en, es, fr, lb, ms, nb, nl, sv, te" in unknown
    )
    assert "Unsupported language code 'zz'" in recipe_error(
        tmp_path, model=str(tiny_whisper_dir()), candidate_languages=["en", "zz"]
    )
    assert "needs 'model'" in recipe_error(tmp_path)
    assert "uses no model" in recipe_error(tmp_path, backend="existing", model=str(tiny_whisper_dir()))
    assert "has no model.bin" in recipe_error(
        tmp_path, backend="faster_whisper", model=str(tiny_whisper_dir())
    )


def test_a_model_that_cannot_load_stops_the_run_before_any_item(tmp_path: Path, fsdd_dir: Path) -> None:
    clips_folder = make_clips_folder(tmp_path, fsdd_dir)
    broken = tmp_path / "broken-whisper"
    broken.mkdir()
    shutil.copy(tiny_whisper_dir() / "config.json", broken / "config.json")
    with pytest.raises(InputError, match=f"cannot load the Whisper model and processor from '{broken}'"):
        run(tmp_path, clips_folder, {**WHISPER, "model": str(broken)})
    parts = tmp_path / "corpus" / "stages" / "02_transcribe" / "parts"
    assert not list(parts.glob("*.stats.json"))  # no chunk of items was processed
