"""The weights a run trains: named LoRA adapters on one base model (peft), or the full model.

Adapters are saved in peft's own layout (``adapter_config.json`` + ``adapter_model.safetensors``) so
``PeftModel.from_pretrained(base, folder)`` opens them without voxtune, with a small
``voxtune_adapter.json`` beside them that says what they are (family, base model and its revision or
content hash, languages, speakers, stage, training settings, final metrics) for the adapter registry
and server.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict
from safetensors.torch import load_file, save_file
from torch import nn

from voxtune import __version__
from voxtune.errors import ConfigError, InputError
from voxtune.models.base import LoadedModel
from voxtune.train.config import LoraSpec

METADATA_FILE = "voxtune_adapter.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
METADATA_VERSION = 1


def lora_config(spec: LoraSpec, targets: str | list[str]) -> LoraConfig:
    return LoraConfig(
        r=spec.r,
        lora_alpha=spec.alpha,
        lora_dropout=spec.dropout,
        target_modules=targets,
        use_rslora=spec.use_rslora,
        use_dora=spec.use_dora,
        modules_to_save=list(spec.train_modules) or None,
    )


class TrainedWeights:
    """The model under training and the named adapters on it.

    With ``method == "full"`` there is one set of weights (every parameter outside the family's
    frozen modules); with LoRA each adapter is a peft adapter of its own and only the active one
    trains.
    """

    def __init__(self, loaded: LoadedModel, method: str, spec: LoraSpec, targets: str | list[str]):
        self.loaded = loaded
        self.method = method
        self.spec = spec
        self.targets = targets
        self.model: nn.Module = loaded.model
        self.names: list[str] = []
        self.active: str | None = None

    @property
    def peft(self) -> PeftModel:
        assert isinstance(self.model, PeftModel)
        return self.model

    def ensure(self, name: str, *, init_from: str | None = None) -> None:
        """Create adapter ``name`` (fresh, or as a copy of ``init_from``) unless it exists; make it active."""
        if self.method == "full":
            if name not in self.names:
                self.names.append(name)
            self.activate(name)
            return
        if name not in self.names:
            config = lora_config(self.spec, self.targets)
            try:
                if not self.names:
                    self.model = get_peft_model(self.loaded.model, config, adapter_name=name)
                else:
                    self.peft.add_adapter(name, config)
            except ValueError as exc:  # peft: targets matched nothing, etc.
                raise ConfigError(
                    f"cannot add LoRA adapter '{name}': {exc}", hint="Check lora.targets"
                ) from None
            self.names.append(name)
            self._check_frozen_untouched()
            if init_from is not None:
                state = get_peft_model_state_dict(self.peft, adapter_name=init_from)
                set_peft_model_state_dict(self.peft, state, adapter_name=name)
        self.activate(name)

    def activate(self, name: str) -> None:
        """Make ``name`` the adapter that runs and trains; everything else is frozen."""
        frozen = self.loaded.frozen_prefixes
        if self.method == "full":
            for pname, param in self.model.named_parameters():
                param.requires_grad_(not pname.startswith(frozen))
        else:
            self.peft.set_adapter(name)
            for pname, param in self.model.named_parameters():
                param.requires_grad_(
                    f".{name}." in pname and ("lora_" in pname or "modules_to_save" in pname)
                )
        self.active = name

    def _check_frozen_untouched(self) -> None:
        frozen = self.loaded.frozen_prefixes
        hit = [
            n
            for n, _ in self.peft.get_base_model().named_modules()
            if n.startswith(frozen) and n.endswith("lora_A")
        ]
        if hit:
            raise ConfigError(
                f"lora.targets reach the {self.loaded.family.name} codec ({hit[0]}), which must stay frozen",
                hint="Use a regex anchored to the model's transformer layers (or leave lora.targets out)",
            )

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.model.parameters() if p.requires_grad]

    # -- saving and loading --------------------------------------------------------------------
    def save(self, name: str, folder: Path, metadata: dict[str, Any]) -> None:
        """Write adapter ``name`` (LoRA: peft format; full: a save_pretrained model) and its metadata."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.method == "full":
            self.loaded.model.save_pretrained(folder)
            self.loaded.tokenizer.save_pretrained(folder)
        else:
            state = get_peft_model_state_dict(self.peft, adapter_name=name)
            save_file(
                {k: v.detach().to("cpu").contiguous() for k, v in state.items()},
                str(folder / ADAPTER_WEIGHTS),
                metadata={"format": "pt"},
            )
            config = copy.deepcopy(self.peft.peft_config[name])
            config.base_model_name_or_path = self.loaded.source.reference
            config.save_pretrained(str(folder))
        extra = {"lora_targets": self.targets} if self.method == "lora" else {}
        write_metadata(folder, {**metadata, "adapter": name, "method": self.method, **extra})

    def load(self, name: str, folder: Path) -> None:
        """Load saved weights of adapter ``name`` (created first if needed) from ``folder``."""
        if self.method == "full":
            # through from_pretrained, which undoes whatever renaming save_pretrained did
            model = self.loaded.model
            dtype = next(model.parameters()).dtype
            try:
                saved = type(model).from_pretrained(folder, dtype=dtype)
            except (OSError, ValueError) as exc:
                raise InputError(f"cannot read the stage's saved model: {exc}", path=folder) from None
            model.load_state_dict(saved.state_dict())
            self.ensure(name)
            return
        self.ensure(name)
        set_peft_model_state_dict(self.peft, load_file(str(folder / ADAPTER_WEIGHTS)), adapter_name=name)


def write_metadata(folder: Path, metadata: dict[str, Any]) -> None:
    data = {"format_version": METADATA_VERSION, "voxtune_version": __version__, **metadata}
    (folder / METADATA_FILE).write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def read_metadata(folder: str | Path) -> dict[str, Any]:
    """The voxtune_adapter.json of an adapter folder (InputError when it is missing)."""
    path = Path(folder) / METADATA_FILE
    if not path.is_file():
        raise InputError(f"no {METADATA_FILE} here, so this is not a voxtune adapter", path=folder)
    return json.loads(path.read_text(encoding="utf-8"))
