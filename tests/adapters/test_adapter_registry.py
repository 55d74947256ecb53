"""The adapter registry: finding adapters, reading their metadata, refusing what cannot be served, and
deciding which base an adapter belongs on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import save_file

from voxtune.adapters import AdapterRegistry, AdapterRegistryError, AdapterSource, read_adapter
from voxtune.adapters.compat import AdapterMismatchError, check_compatible, mismatch_reason
from voxtune.adapters.registry import ADAPTER_WEIGHTS, METADATA_FILE, find_adapter_folders
from voxtune.errors import InputError
from voxtune.models.base import ModelSource


def fake_adapter(folder: Path, **meta: Any) -> Path:
    """An adapter folder as the trainer writes it, with a small safetensors file of LoRA weights."""
    folder.mkdir(parents=True)
    save_file({"lora_A.weight": np.zeros((2, 4), dtype=np.float32)}, str(folder / ADAPTER_WEIGHTS))
    (folder / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 2}), encoding="utf-8")
    metadata = {
        "format_version": 1,
        "family": "csm",
        "run": "nordic",
        "stage": folder.name,
        "base_model": {
            "reference": "/models/csm",
            "local_path": "/models/csm",
            "revision": None,
            "content_hash": "abc",
        },
        "languages": ["nb"],
        "speakers": {"nb_f": 3},
        "method": "lora",
        "metrics": {"validation": {"loss": 2.5}},
        "created": "2026-11-22T01:07:17+00:00",
        **meta,
    }
    (folder / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def test_file_names_agree_with_what_the_trainer_writes() -> None:
    from voxtune.train import adapters as trainer

    assert (METADATA_FILE, ADAPTER_WEIGHTS) == (trainer.METADATA_FILE, trainer.ADAPTER_WEIGHTS)


def test_scan_finds_a_runs_adapters_and_skips_its_checkpoints(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "nordic"
    fake_adapter(run / "adapters" / "tts-nb")
    fake_adapter(run / "adapters" / "tts-sv", languages=["sv"], speakers={})
    fake_adapter(run / "checkpoints" / "tts-nb" / "step-10")  # a checkpoint is not a served adapter
    registry = AdapterRegistry.scan([tmp_path / "runs"])
    assert registry.names() == ["tts-nb", "tts-sv"]
    nb = registry.get("tts-nb")
    assert nb.family == "csm" and nb.languages == ("nb",) and dict(nb.speakers) == {"nb_f": 3}
    assert nb.base.content_hash == "abc" and nb.stage == "tts-nb" and nb.run == "nordic"
    assert nb.weight_bytes == (run / "adapters" / "tts-nb" / ADAPTER_WEIGHTS).stat().st_size
    assert nb.summary()["speakers"] == ["nb_f"] and "path" not in nb.summary()
    assert find_adapter_folders(tmp_path, max_depth=2) == []  # adapters sit 3 levels down


def test_unusable_folders_are_listed_with_the_reason(tmp_path: Path) -> None:
    fake_adapter(tmp_path / "good")
    pickled = fake_adapter(tmp_path / "pickled")
    (pickled / ADAPTER_WEIGHTS).unlink()
    (pickled / "adapter_model.bin").write_bytes(b"\x80\x04 not to be unpickled")
    full = fake_adapter(tmp_path / "full", method="full")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / METADATA_FILE).write_text("{not json", encoding="utf-8")
    unnamed = fake_adapter(tmp_path / "nobase")
    meta = json.loads((unnamed / METADATA_FILE).read_text())
    del meta["base_model"]
    (unnamed / METADATA_FILE).write_text(json.dumps(meta))
    registry = AdapterRegistry.scan([tmp_path])
    assert registry.names() == ["good"]
    reasons = {p.path.name: p.reason for p in registry.problems}
    assert "only pickled adapter_model.bin, which is never loaded" in reasons["pickled"]
    assert "full fine-tune" in reasons["full"]
    assert "not valid JSON" in reasons["broken"]
    assert "which family and base model" in reasons["nobase"]
    # named explicitly, an unusable adapter stops the server instead of being skipped
    with pytest.raises(AdapterRegistryError, match="full fine-tune"):
        AdapterRegistry.scan([full])
    with pytest.raises(AdapterRegistryError, match="not found"):
        AdapterRegistry.scan([tmp_path / "missing"])


def test_names_are_unique_and_never_paths(tmp_path: Path) -> None:
    fake_adapter(tmp_path / "a" / "tts")
    fake_adapter(tmp_path / "b" / "tts")
    with pytest.raises(AdapterRegistryError, match="two adapters are named 'tts'"):
        AdapterRegistry.scan([tmp_path])
    registry = AdapterRegistry.scan(
        [AdapterSource(tmp_path / "a" / "tts"), AdapterSource(tmp_path / "b" / "tts", name="tts-b")]
    )
    assert registry.names() == ["tts", "tts-b"]
    for hostile in ("../tts", "a/tts", "tts\x00", "", ".", "tts.v2"):
        with pytest.raises(InputError, match="no adapter named"):
            registry.get(hostile)
        with pytest.raises(InputError):
            read_adapter(tmp_path / "a" / "tts", name=hostile)
    with pytest.raises(InputError, match="cannot name an adapter"):
        read_adapter(fake_adapter(tmp_path / "v1.2"))


def test_an_adapter_belongs_only_on_the_weights_it_was_trained_on(tmp_path: Path) -> None:
    info = read_adapter(fake_adapter(tmp_path / "nb"))  # trained on a local folder hashing to "abc"
    same = ModelSource("/elsewhere/csm-copy", Path("/elsewhere/csm-copy"), content_hash="abc")
    assert mismatch_reason(info, "csm", same) is None  # moved or copied weights still match
    changed = ModelSource("/models/csm", Path("/models/csm"), content_hash="def")
    assert "content hash abc" in str(mismatch_reason(info, "csm", changed))
    assert "is a csm adapter and the base is a kokoro model" in str(mismatch_reason(info, "kokoro", same))
    hub = ModelSource("sesame/csm-1b", None, revision="1234")
    assert "cannot be compared" in str(mismatch_reason(info, "csm", hub))
    with pytest.raises(AdapterMismatchError, match="does not belong on this base"):
        check_compatible(info, "csm", changed)

    hub_info = read_adapter(
        fake_adapter(
            tmp_path / "hub",
            base_model={"reference": "sesame/csm-1b", "revision": "1234", "content_hash": None},
        )
    )
    assert mismatch_reason(hub_info, "csm", hub) is None
    assert "sesame/csm-1b@1234" in str(
        mismatch_reason(hub_info, "csm", ModelSource("sesame/csm-1b", None, revision="9999"))
    )
    assert mismatch_reason(hub_info, "csm", ModelSource("other/csm", None, revision="1234")) is not None
