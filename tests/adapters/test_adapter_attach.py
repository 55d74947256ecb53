"""Many adapters on one loaded base: each gives exactly what peft's own loader gives, switching never
leaks one adapter into another, the LRU bound holds, and a bad adapter leaves the base untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from support.serving import write_adapter
from support.tiny_csm import build_tiny_csm
from voxtune.adapters import read_adapter
from voxtune.adapters.attach import AdapterLoadError, AdapterSlots
from voxtune.models.registry import get_family

FAMILY = get_family("csm")


@pytest.fixture(scope="module")
def adapters(tiny_csm: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("attach")
    return {
        "a": write_adapter(tiny_csm, root / "one", family="csm", seed=11),
        "b": write_adapter(tiny_csm, root / "two", family="csm", seed=12, r=8),
        "c": write_adapter(tiny_csm, root / "three", family="csm", seed=13),
    }


def backbone(model: torch.nn.Module) -> torch.Tensor:
    """The backbone's output on fixed inputs (LoRA adapts the backbone and depth decoder layers)."""
    hidden = model.config.hidden_size
    embeds = torch.randn(1, 7, hidden, generator=torch.Generator().manual_seed(0))
    core = model.get_base_model() if hasattr(model, "get_base_model") else model
    with torch.no_grad():
        return core.backbone_model(inputs_embeds=embeds).last_hidden_state


def test_each_adapter_matches_peft_and_switching_never_leaks(
    tiny_csm: Path, adapters: dict[str, Path]
) -> None:
    from peft import PeftModel

    expected = {}
    for name, folder in adapters.items():  # independent reference: peft's own loader on a fresh base
        expected[name] = backbone(PeftModel.from_pretrained(FAMILY.load(tiny_csm).model, str(folder)))
    loaded = FAMILY.load(tiny_csm)
    bare = backbone(loaded.model)
    slots = AdapterSlots(loaded.model, max_adapters=3)
    infos = {name: read_adapter(folder, name=name) for name, folder in adapters.items()}
    for name in ["a", "b", "a", "c", "b", "b", "a", "c"]:
        with slots.active(infos[name]):
            assert torch.allclose(backbone(loaded.model), expected[name], atol=1e-6), name
        with slots.active(None):
            assert torch.equal(backbone(loaded.model), bare)
    assert not torch.allclose(expected["a"], expected["b"]) and not torch.allclose(expected["a"], bare)
    assert slots.events.loads == 3 and slots.events.evictions == 0
    assert slots.attached == ["b", "a", "c"]  # least recently used first
    assert slots.events.switches == 7  # the two "b" in a row switch once


def test_least_recently_used_adapters_are_evicted_within_the_bounds(
    tiny_csm: Path, adapters: dict[str, Path]
) -> None:
    loaded = FAMILY.load(tiny_csm)
    keys = set(loaded.model.state_dict())
    bare = backbone(loaded.model)
    infos = {name: read_adapter(folder, name=name) for name, folder in adapters.items()}
    slots = AdapterSlots(loaded.model, max_adapters=2)
    for name in ["a", "b", "a", "c"]:
        with slots.active(infos[name]):
            pass
    assert slots.attached == ["a", "c"] and slots.events.evicted == ["b"]

    a_bytes = slots._slots["a"].bytes  # what one rank-4 adapter takes once attached
    tight = AdapterSlots(loaded.model, max_adapters=8, max_bytes=a_bytes + infos["c"].weight_bytes)
    slots.detach("a")
    slots.detach("c")
    assert torch.equal(backbone(loaded.model), bare)
    assert set(loaded.model.state_dict()) == keys  # the last detach unloads peft: the bare model again
    for name in ["a", "c", "b"]:
        with tight.active(infos[name]):
            pass
    assert tight.attached_bytes <= tight.max_bytes
    assert tight.attached[-1] == "b" and "a" not in tight.attached


def test_an_adapter_that_does_not_fit_leaves_the_base_untouched(
    fsdd_dir: Path, tiny_csm: Path, adapters: dict[str, Path], tmp_path: Path
) -> None:
    other_base = build_tiny_csm(fsdd_dir, tmp_path / "wide", seed=1)
    config = json.loads((other_base / "config.json").read_text())
    assert config["hidden_size"] == 64
    config["hidden_size"] = 32  # a differently sized model: the adapter's shapes cannot fit
    config["depth_decoder_config"]["backbone_hidden_size"] = 32
    narrow_dir = tmp_path / "narrow"
    from transformers import CsmConfig, CsmForConditionalGeneration

    CsmForConditionalGeneration(CsmConfig(**config)).save_pretrained(narrow_dir)
    narrow = CsmForConditionalGeneration.from_pretrained(narrow_dir)
    before = backbone(narrow)
    slots = AdapterSlots(narrow)
    with (
        pytest.raises(AdapterLoadError, match="do not fit this base"),
        slots.active(read_adapter(adapters["a"], name="a")),
    ):
        pass
    assert slots.attached == [] and torch.equal(backbone(narrow), before)

    loaded = FAMILY.load(tiny_csm)
    bare = backbone(loaded.model)
    extra = tmp_path / "extra"
    extra.mkdir()
    for file in adapters["a"].iterdir():
        (extra / file.name).write_bytes(file.read_bytes())
    state = load_file(str(extra / "adapter_model.safetensors"))
    state["base_model.model.not_a_layer.lora_A.weight"] = torch.zeros(2, 2)
    save_file(state, str(extra / "adapter_model.safetensors"))
    slots = AdapterSlots(loaded.model)
    with slots.active(read_adapter(adapters["b"], name="b")):
        with_b = backbone(loaded.model)
    with pytest.raises(AdapterLoadError, match="1 unused"), slots.active(read_adapter(extra)):
        pass
    assert slots.attached == ["b"]
    with slots.active(read_adapter(adapters["b"], name="b")):
        assert torch.equal(backbone(loaded.model), with_b)
    with slots.active(None):
        assert torch.equal(backbone(loaded.model), bare)


def test_lora_dropout_of_a_training_config_never_runs_when_serving(
    tiny_csm: Path, adapters: dict[str, Path], tmp_path: Path
) -> None:
    dropped = tmp_path / "dropped"
    dropped.mkdir()
    for file in adapters["a"].iterdir():
        (dropped / file.name).write_bytes(file.read_bytes())
    config = json.loads((dropped / "adapter_config.json").read_text())
    config["lora_dropout"] = 0.5  # as trained; at inference it must be a no-op
    (dropped / "adapter_config.json").write_text(json.dumps(config))
    loaded = FAMILY.load(tiny_csm)
    slots = AdapterSlots(loaded.model)
    with slots.active(read_adapter(adapters["a"], name="a")):
        plain = backbone(loaded.model)
    with slots.active(read_adapter(dropped)):
        first, second = backbone(loaded.model), backbone(loaded.model)
    assert torch.equal(first, second) and torch.allclose(first, plain, atol=1e-6)
