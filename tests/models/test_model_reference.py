"""Model names in recipes: hub ids stay ids, folders become absolute and are checked up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voxtune.models.reference import check_model_folder, is_local, resolve_model_reference


def test_hub_ids_stay_and_folders_become_absolute(tmp_path: Path) -> None:
    (tmp_path / "models" / "mine").mkdir(parents=True)
    assert resolve_model_reference("openai/whisper-large-v3", tmp_path) == "openai/whisper-large-v3"
    assert resolve_model_reference("large-v3", tmp_path) == "large-v3"
    assert resolve_model_reference("models/mine", tmp_path) == str(tmp_path / "models" / "mine")
    assert resolve_model_reference("./gone", tmp_path) == str(tmp_path / "gone")
    assert resolve_model_reference("a/b/c", tmp_path) == str(tmp_path / "a" / "b" / "c")
    assert is_local(resolve_model_reference("/abs/path")) and not is_local("openai/whisper-small")
    with pytest.raises(ValueError, match="neither an existing folder nor a hub id"):
        resolve_model_reference("what is this?", tmp_path)
    with pytest.raises(ValueError, match="empty"):
        resolve_model_reference("  ")


def write_config(folder: Path, **config: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_local_folders_are_checked_for_what_the_stage_needs(tmp_path: Path) -> None:
    whisper = write_config(
        tmp_path / "w", model_type="whisper", architectures=["WhisperForConditionalGeneration"]
    )
    check_model_folder(str(whisper), model_types={"whisper"})
    check_model_folder("openai/whisper-small", model_types={"whisper"})  # hub ids are not checked here
    with pytest.raises(ValueError, match="model folder not found"):
        check_model_folder(str(tmp_path / "missing"), model_types={"whisper"})
    wav2vec2 = write_config(tmp_path / "c", model_type="wav2vec2", architectures=["Wav2Vec2ForCTC"])
    with pytest.raises(ValueError, match="holds a 'wav2vec2' model, not whisper"):
        check_model_folder(str(wav2vec2), model_types={"whisper"})
    with pytest.raises(
        ValueError, match="holds Wav2Vec2ForCTC, not a model ending in ForAudioClassification"
    ):
        check_model_folder(str(wav2vec2), architectures={"ForAudioClassification"})
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"has no config\.json"):
        check_model_folder(str(tmp_path / "empty"), model_types={"whisper"})
    with pytest.raises(ValueError, match=r"has no model\.bin"):
        check_model_folder(str(whisper), required_files={"model.bin"})
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        check_model_folder(str(tmp_path / "file"))
