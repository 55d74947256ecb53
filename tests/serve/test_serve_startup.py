"""What stops a server before it starts (with one line saying what to fix), and what it only notes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.serving import ServeModels, config_data, write_adapter
from support.tiny_csm import build_tiny_csm
from voxtune.adapters.compat import AdapterMismatchError
from voxtune.errors import ConfigError, InputError
from voxtune.serve.config import serve_config
from voxtune.serve.service import start_service
from voxtune.ui.serving import serve_notes


def tts_only(models: ServeModels, **model: object) -> dict:
    data = config_data(models)
    data["models"] = [{**data["models"][0], **model}]
    return data


@pytest.fixture(scope="module")
def other_base_adapter(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An adapter trained on another tiny CSM (same shapes, other weights: it would load silently)."""
    root = tmp_path_factory.mktemp("other-base")
    other = build_tiny_csm(fsdd_dir, root / "model", seed=7)
    return write_adapter(other, root / "adapters" / "stranger", family="csm", seed=9, languages=["da"])


def test_adapters_trained_on_other_weights_are_refused_or_left_out(
    serve_models: ServeModels, other_base_adapter: Path, tmp_path: Path
) -> None:
    with pytest.raises(AdapterMismatchError, match="adapter 'stranger' does not belong on this base"):
        start_service(serve_config(tts_only(serve_models, adapters=[str(other_base_adapter)])))
    mixed = tmp_path / "adapters"
    shutil.copytree(serve_models.csm_adapters, mixed)
    shutil.copytree(other_base_adapter, mixed / "stranger")
    (mixed / "broken").mkdir()
    (mixed / "broken" / "voxtune_adapter.json").write_text("{", encoding="utf-8")
    service = start_service(serve_config(tts_only(serve_models, adapters=[str(mixed)])))
    try:
        assert sorted(service.catalog.models["tts"].adapters) == ["nb", "sv"]
        notes = serve_notes(service)
        assert any("stranger left out: it was trained on weights with content hash" in n for n in notes)
        assert any("broken left out" in n and "not valid JSON" in n for n in notes)
    finally:
        service.close()
    with pytest.raises(ConfigError, match="no adapter 'stranger' on this base"):
        start_service(serve_config(tts_only(serve_models, adapters=[str(mixed)], default_adapter="stranger")))


def test_config_mistakes_stop_the_server_with_the_fix(
    serve_models: ServeModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VOXTUNE_NO_SUCH_KEYS", raising=False)
    with pytest.raises(ConfigError, match=r"\$VOXTUNE_NO_SUCH_KEYS, which is not set"):
        start_service(serve_config(config_data(serve_models, auth={"api_key_env": "VOXTUNE_NO_SUCH_KEYS"})))
    with pytest.raises(ConfigError, match=r"more than adapter_cache\.max_memory_mb"):
        start_service(serve_config(tts_only(serve_models) | {"adapter_cache": {"max_memory_mb": 0.01}}))
    with pytest.raises(ConfigError, match="model names must be unique"):
        serve_config(config_data(serve_models) | {"models": [{"name": "a", "base": "x"}] * 2})
    with pytest.raises(ConfigError, match=r"model name '\.\./tts'"):
        serve_config({"models": [{"name": "../tts", "base": "x"}]})
    with pytest.raises(ConfigError, match=r"unknown field 'models\.0\.adaptors'"):
        serve_config({"models": [{"name": "tts", "base": "x", "adaptors": []}]})
    with pytest.raises(ConfigError, match="invalid csm settings"):
        start_service(serve_config(tts_only(serve_models, generation={"temperature": -1})))

    pickled = tmp_path / "pickled-base"
    pickled.mkdir()
    (pickled / "config.json").write_text('{"model_type": "csm"}', encoding="utf-8")
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x04not to be unpickled")
    with pytest.raises(InputError, match=r"weights are pickled \(pytorch_model.bin\)"):
        start_service(serve_config(tts_only(serve_models, base=str(pickled), adapters=[])))
