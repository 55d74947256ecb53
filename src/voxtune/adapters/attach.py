"""Many LoRA adapters on one loaded base (peft multi-adapter), loaded on demand and evicted LRU.

``AdapterSlots`` owns the peft state of one base model: which adapters are attached, which one is
active, how much memory they take. Weights are read with ``safetensors`` only (``load_file``), never
through a loader that could fall back to a pickled ``.bin``. Adapters get internal slot names inside
peft, so a user's adapter name never reaches peft's parameter naming.

Not thread-safe on purpose: one caller (the server's generation worker) owns a base and its slots,
so activating an adapter and running the model cannot interleave with another request's.
"""

from __future__ import annotations

import contextlib
import itertools
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch
from torch import nn

from voxtune.adapters.registry import ADAPTER_CONFIG, AdapterInfo
from voxtune.errors import InputError


class AdapterLoadError(InputError):
    """An adapter's files do not fit the base it is attached to (targets, shapes, missing weights)."""


@dataclass
class Slot:
    key: str
    """The adapter's name inside peft (``slotN``)."""
    info: AdapterInfo
    bytes: int
    load_seconds: float


@dataclass
class SlotEvents:
    """What attaching and switching cost so far (read by the server's metrics)."""

    loads: int = 0
    evictions: int = 0
    switches: int = 0
    load_seconds: float = 0.0
    switch_seconds: float = 0.0
    evicted: list[str] = field(default_factory=list)


class AdapterSlots:
    """The adapters attached to ``model``: at most ``max_adapters`` of them and ``max_bytes`` of
    weights together; the least recently used is evicted to make room.

    Use ``with slots.active(info):`` around every model call: it attaches ``info`` if needed, makes it
    the active adapter, or (``info=None``) runs the bare base with every adapter disabled.
    """

    def __init__(self, model: nn.Module, *, max_adapters: int = 8, max_bytes: int = 1 << 30):
        if max_adapters < 1:
            raise ValueError("max_adapters must be at least 1")
        self.model = model
        self.max_adapters = max_adapters
        self.max_bytes = max_bytes
        self.events = SlotEvents()
        self._peft: nn.Module | None = None
        self._slots: OrderedDict[str, Slot] = OrderedDict()  # by adapter name, least recent first
        self._active: str | None = None
        self._keys = (f"slot{n}" for n in itertools.count(1))

    # -- what is attached --------------------------------------------------------------------------
    @property
    def attached(self) -> list[str]:
        """Names of the attached adapters, least recently used first."""
        return list(self._slots)

    @property
    def attached_bytes(self) -> int:
        return sum(slot.bytes for slot in self._slots.values())

    @property
    def active_name(self) -> str | None:
        return self._active

    # -- use -------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def active(self, info: AdapterInfo | None) -> Iterator[None]:
        """Run the block with ``info`` active (attached first if needed), or the bare base for None."""
        if info is None:
            if self._peft is None:
                yield
            else:
                with self._peft.disable_adapter():  # type: ignore[attr-defined]
                    yield
            return
        slot = self._slots.get(info.name)  # names are unique per base (the registry sees to it)
        if slot is None:
            slot = self._attach(info)
        self._slots.move_to_end(info.name)
        if self._active != info.name:
            started = time.perf_counter()
            self._peft.set_adapter(slot.key)  # type: ignore[union-attr]
            self.events.switch_seconds += time.perf_counter() - started
            self.events.switches += 1
            self._active = info.name
        yield

    def detach(self, name: str) -> None:
        """Remove adapter ``name`` from the model (a no-op when it is not attached)."""
        slot = self._slots.pop(name, None)
        if slot is None:
            return
        assert self._peft is not None
        if not self._slots:
            self._peft.unload()  # type: ignore[attr-defined]  # last one: back to the bare base
            self._peft = None
        else:
            if self._active == name:
                self._peft.set_adapter(next(iter(self._slots.values())).key)  # type: ignore[attr-defined]
            self._peft.delete_adapter(slot.key)  # type: ignore[attr-defined]
        if self._active == name:
            self._active = None
        self.events.evictions += 1
        self.events.evicted.append(name)

    # -- attaching -----------------------------------------------------------------------------------
    def _attach(self, info: AdapterInfo) -> Slot:
        from peft import get_peft_model
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        started = time.perf_counter()
        if info.weight_bytes > self.max_bytes:
            raise AdapterLoadError(
                f"adapter '{info.name}' takes {info.weight_bytes / 2**20:.1f} MiB, more than the "
                f"{self.max_bytes / 2**20:.1f} MiB allowed for adapters on this base",
                path=info.path,
                hint="Raise adapter_cache.max_memory_mb",
            )
        while self._slots and (
            len(self._slots) >= self.max_adapters or self.attached_bytes + info.weight_bytes > self.max_bytes
        ):
            self.detach(next(iter(self._slots)))
        config = _lora_config(info)
        key = next(self._keys)
        try:
            state = load_file(str(info.weights_path), device=str(_device(self.model)))
        except (SafetensorError, OSError) as exc:
            raise AdapterLoadError(
                f"cannot read adapter '{info.name}': {exc}", path=info.weights_path
            ) from None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                # peft notes that the adapter names another base path; compat.py checks the weights
                warnings.filterwarnings("ignore", message=".*base_model_name_or_path.*")
                if self._peft is None:
                    self._peft = get_peft_model(self.model, config, adapter_name=key)
                else:
                    self._peft.add_adapter(key, config)  # type: ignore[attr-defined]
        except (ValueError, TypeError, KeyError) as exc:
            self._drop_failed(key)
            raise AdapterLoadError(
                f"adapter '{info.name}' does not fit this base model: {exc}", path=info.path
            ) from None
        try:
            _load_state(self._peft, state, key, info)
        except AdapterLoadError:
            self._drop_failed(key)
            raise
        self.model.eval()  # peft's new modules start in training mode: LoRA dropout must not run here
        size = sum(p.numel() * p.element_size() for n, p in self._peft.named_parameters() if f".{key}." in n)
        slot = Slot(key, info, size, time.perf_counter() - started)
        self._slots[info.name] = slot
        if self._active is not None and self._active in self._slots:
            # peft activates a newly added adapter's layers lazily; keep the model's state explicit
            self._peft.set_adapter(self._slots[self._active].key)  # type: ignore[attr-defined]
        self.events.loads += 1
        self.events.load_seconds += slot.load_seconds
        return slot

    def _drop_failed(self, key: str) -> None:
        """Undo a half-attached adapter so the base is exactly as before."""
        if self._peft is None:
            return
        if key in getattr(self._peft, "peft_config", {}):
            if self._slots:
                self._peft.delete_adapter(key)  # type: ignore[attr-defined]
            else:
                self._peft.unload()  # type: ignore[attr-defined]
                self._peft = None
        elif not self._slots:
            self._peft.unload()  # type: ignore[attr-defined]
            self._peft = None


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _lora_config(info: AdapterInfo):  # -> peft.LoraConfig
    from peft import LoraConfig, PeftType

    path = info.path / ADAPTER_CONFIG
    try:
        config = LoraConfig.from_pretrained(str(info.path))
    except (OSError, ValueError, TypeError) as exc:
        raise AdapterLoadError(f"cannot read {ADAPTER_CONFIG}: {exc}", path=path) from None
    if config.peft_type != PeftType.LORA:
        raise AdapterLoadError(
            f"{ADAPTER_CONFIG} describes a {config.peft_type} adapter, not LoRA", path=path
        )
    config.inference_mode = True
    return config


def _load_state(peft_model: nn.Module, state: dict[str, torch.Tensor], key: str, info: AdapterInfo) -> None:
    """Load ``state`` into adapter ``key``; every saved tensor must land and every adapter weight be set."""
    from peft import set_peft_model_state_dict

    try:
        result = set_peft_model_state_dict(peft_model, state, adapter_name=key)
    except RuntimeError as exc:  # shape mismatch: trained on a differently sized base
        raise AdapterLoadError(
            f"adapter '{info.name}' weights do not fit this base model: {_first_line(exc)}", path=info.path
        ) from None
    unexpected = list(result.unexpected_keys)
    missing = [k for k in result.missing_keys if f".{key}." in k]
    if unexpected or missing:
        which = unexpected[:2] or missing[:2]
        raise AdapterLoadError(
            f"adapter '{info.name}' weights do not match its config on this base "
            f"({len(unexpected)} unused, {len(missing)} missing, e.g. {', '.join(which)})",
            path=info.path,
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
