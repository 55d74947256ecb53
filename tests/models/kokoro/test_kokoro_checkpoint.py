from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from voxtune.errors import InputError
from voxtune.models.kokoro.checkpoint import (
    COMPONENTS,
    WEIGHTS_FILE,
    export_kokoro,
    kokoro_files,
    load_kmodel,
    quiet_kokoro,
)
from voxtune.models.kokoro.voicepack import PACK_SHAPE, VoicePackError


def test_tiny_model_is_a_kokoro_folder(tiny_kokoro_dir: Path) -> None:
    files = kokoro_files(tiny_kokoro_dir)
    assert files.weights_path.name == WEIGHTS_FILE
    assert files.revision is None
    assert files.voice_names() == ["tiny_a", "tiny_b"]
    config = files.read_config()
    assert config["n_token"] == 178 and len(config["vocab"]) == 114
    state = torch.load(files.weights_path, map_location="cpu", weights_only=True)
    assert tuple(state) == COMPONENTS
    assert files.voice("tiny_a").shape == PACK_SHAPE


def test_kmodel_loads_the_folder_by_path_without_downloads(tiny_kokoro_dir: Path) -> None:
    from kokoro import KModel

    with quiet_kokoro():  # KModel's own layers warn about deprecated weight_norm on every load
        model = KModel(
            repo_id="hexgrad/Kokoro-82M",
            config=str(tiny_kokoro_dir / "config.json"),
            model=str(tiny_kokoro_dir / WEIGHTS_FILE),
        )
    saved = torch.load(tiny_kokoro_dir / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    for name in COMPONENTS:
        loaded = getattr(model, name).state_dict()
        assert set(loaded) == set(saved[name])
        for key, value in saved[name].items():
            assert torch.equal(loaded[key], value), f"{name}.{key}"


def test_export_round_trips_weights_vocab_and_voices(tiny_kokoro_dir: Path, tmp_path: Path) -> None:
    files = kokoro_files(tiny_kokoro_dir)
    model = load_kmodel(files)
    with torch.no_grad():
        model.decoder.generator.conv_post.bias.add_(1.0)
    vocab = {**model.vocab, "ʀ": 7}
    pack = 0.5 * torch.ones(PACK_SHAPE)
    out = export_kokoro(model, files.read_config(), tmp_path / "export", {"lb_max": pack}, vocab=vocab)
    again = kokoro_files(out)
    config = json.loads(again.config_path.read_text(encoding="utf-8"))
    assert config["vocab"]["ʀ"] == 7
    reloaded = load_kmodel(again)
    assert torch.equal(reloaded.decoder.generator.conv_post.bias, model.decoder.generator.conv_post.bias)
    assert reloaded.vocab["ʀ"] == 7
    assert torch.equal(torch.load(out / "voices" / "lb_max.pt", weights_only=True), pack)


def test_missing_or_wrong_folders_and_voices_are_input_errors(tiny_kokoro_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        kokoro_files(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError):
        kokoro_files(tmp_path / "empty")
    files = kokoro_files(tiny_kokoro_dir)
    with pytest.raises(InputError) as caught:
        files.voice("af_heart")
    assert "tiny_a" in str(caught.value)
    torch.save(torch.zeros(3, 256), tmp_path / "bad.pt")
    with pytest.raises(VoicePackError):
        files.voice(str(tmp_path / "bad.pt"))
