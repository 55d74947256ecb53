"""Checkpoints that survive a killed run or a full disk, and what goes in them.

A checkpoint is written into a temporary folder, completed with a ``COMPLETE`` marker, then renamed
into place; only then does the index (``checkpoints.json``, written atomically) name it. A failure
at any point leaves the previous checkpoint as the latest and no half-written one behind.

Contents: the trainable weights (adapter or full), optimizer, scheduler, RNG states (per rank) and
the trainer state (step, data position, best losses), plus the adapter in peft's format for users.
Retention keeps the ``keep_best`` lowest-validation-loss checkpoints, the ``keep_last`` most recent
periodic ones, and always the latest.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from voxtune.corpus.manifest import atomic_output
from voxtune.errors import VoxtuneError

INDEX_FILE = "checkpoints.json"
COMPLETE_MARKER = "COMPLETE"
TRAINABLE_FILE = "trainable.safetensors"
STATE_FILE = "state.json"


class CheckpointError(VoxtuneError):
    """A checkpoint could not be written or read."""


@dataclass
class CheckpointInfo:
    name: str
    step: int
    kinds: list[str] = field(default_factory=list)
    """Why it was saved: periodic, best, final, stop."""
    val_loss: float | None = None


class CheckpointStore:
    """The checkpoints of one stage under ``root``, with atomic saving and retention."""

    def __init__(self, root: Path, *, keep_best: int, keep_last: int):
        self.root = Path(root)
        self.keep_best = keep_best
        self.keep_last = keep_last
        self.entries: list[CheckpointInfo] = []
        self.latest: str | None = None
        index = self.root / INDEX_FILE
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            self.entries = [CheckpointInfo(**entry) for entry in data["entries"]]
            self.latest = data.get("latest")
            self.entries = [e for e in self.entries if (self.path(e) / COMPLETE_MARKER).is_file()]

    def path(self, info: CheckpointInfo) -> Path:
        return self.root / info.name

    def latest_info(self) -> CheckpointInfo | None:
        return next((e for e in self.entries if e.name == self.latest), None)

    def best(self) -> CheckpointInfo | None:
        scored = [e for e in self.entries if e.val_loss is not None]
        return min(scored, key=lambda e: (e.val_loss, -e.step)) if scored else None

    def save(
        self, step: int, kinds: list[str], val_loss: float | None, write: Callable[[Path], None]
    ) -> CheckpointInfo:
        """Write a checkpoint with ``write(folder)`` atomically and make it the latest."""
        info = CheckpointInfo(f"step-{step:07d}", step, list(kinds), val_loss)
        final = self.path(info)
        tmp = self.root / f".tmp-{info.name}"
        old = self.root / f".old-{info.name}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            write(tmp)
            (tmp / COMPLETE_MARKER).write_text(json.dumps(asdict(info)), encoding="utf-8")
            _fsync_tree(tmp)
            if final.exists():
                final.rename(old)
            tmp.rename(final)
            shutil.rmtree(old, ignore_errors=True)
            self.entries = [e for e in self.entries if e.name != info.name] + [info]
            self.latest = info.name
            self._write_index()
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if old.exists() and not final.exists():
                old.rename(final)
            previous = self.latest_info()
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            raise CheckpointError(
                f"could not save the checkpoint at step {step}"
                + (" because the disk is full" if full else f" ({exc})")
                + (
                    f"; the latest complete checkpoint is still {self.path(previous)}"
                    if previous
                    else "; no complete checkpoint exists yet"
                ),
                path=self.root,
                hint="Free disk space (or lower checkpoints.keep_best/keep_last) and resume with --resume",
            ) from None
        self.prune()
        return info

    def prune(self) -> None:
        keep = {self.latest}
        scored = sorted(
            (e for e in self.entries if e.val_loss is not None), key=lambda e: (e.val_loss, -e.step)
        )
        keep |= {e.name for e in scored[: self.keep_best]}
        periodic = [e for e in self.entries if "periodic" in e.kinds or "stop" in e.kinds]
        if self.keep_last:
            keep |= {e.name for e in periodic[-self.keep_last :]}
        keep |= {e.name for e in self.entries if "final" in e.kinds}
        for entry in list(self.entries):
            if entry.name not in keep:
                shutil.rmtree(self.path(entry), ignore_errors=True)
                self.entries.remove(entry)
        self._write_index()

    def _write_index(self) -> None:
        data = {"latest": self.latest, "entries": [asdict(e) for e in self.entries]}
        with atomic_output(self.root / INDEX_FILE) as tmp, tmp.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


# -- what a checkpoint holds --------------------------------------------------------------------------


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """Every parameter that trains (LoRA weights, or all non-frozen weights), by name, on the CPU."""
    return {
        name: param.detach().to("cpu").contiguous()
        for name, param in model.named_parameters()
        if param.requires_grad
    }


def load_trainable_state(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Copy saved trainable weights back into ``model`` (names must match exactly)."""
    params = dict(model.named_parameters())
    missing = [name for name in state if name not in params]
    if missing:
        raise CheckpointError(
            f"the checkpoint holds weights this model does not have (e.g. {missing[0]})",
            hint="Resume with the same training config the run started with",
        )
    with torch.no_grad():
        for name, tensor in state.items():
            params[name].copy_(tensor.to(params[name].device, params[name].dtype))


def rng_state() -> dict[str, Any]:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": (kind, keys.tolist(), pos, has_gauss, cached),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    python = state["python"]
    random.setstate((python[0], tuple(python[1]), python[2]))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def write_training_state(
    folder: Path,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: Any,
    state: dict[str, Any],
    rng_states: list[dict[str, Any]],
) -> None:
    """Everything exact resume needs, into ``folder`` (the caller makes it atomic); ``rng_states``
    holds every process's RNG state, by rank."""
    save_file(trainable_state(model), str(folder / TRAINABLE_FILE))
    torch.save(optimizer.state_dict(), folder / "optimizer.pt")
    torch.save(scheduler.state_dict(), folder / "scheduler.pt")
    (folder / STATE_FILE).write_text(json.dumps(state, indent=2), encoding="utf-8")
    for rank, rng in enumerate(rng_states):
        torch.save(rng, folder / f"rng-{rank}.pt")


def read_training_state(
    folder: Path,
    *,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any = None,
    rank: int = 0,
) -> dict[str, Any]:
    """Restore a checkpoint into the model (and optimizer, scheduler, RNG); return the trainer state."""
    try:
        load_trainable_state(model, load_file(str(folder / TRAINABLE_FILE)))
        if optimizer is not None:
            optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
        if scheduler is not None:
            scheduler.load_state_dict(torch.load(folder / "scheduler.pt", weights_only=True))
        rng_file = folder / f"rng-{rank}.pt"
        if optimizer is not None and rng_file.is_file():
            set_rng_state(torch.load(rng_file, weights_only=False))
        return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"cannot read the checkpoint ({exc})", path=folder) from None
