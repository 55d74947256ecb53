"""Compare a state dict with the keys and shapes a model expects, and say exactly what does not fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch

from voxtune.errors import VoxtuneError

Shape = tuple[int, ...]

# How many names each category shows in an error message; the full lists stay on the exception.
_SHOWN = 12


@dataclass(frozen=True)
class ShapeMismatch:
    """One tensor whose shape differs from the one expected under the same name."""

    key: str
    found: Shape
    expected: Shape

    def __str__(self) -> str:
        return f"{self.key}: found {list(self.found)}, expected {list(self.expected)}"


@dataclass(frozen=True)
class KeyReport:
    """What a state dict lacks, what it has in excess, and which shapes disagree (all sorted)."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    shape_mismatches: list[ShapeMismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.shape_mismatches)

    def describe(self) -> str:
        """A few lines naming the offending keys, for an error message or a log."""
        lines = []
        for title, items in (
            ("missing", self.missing),
            ("unexpected", self.unexpected),
            ("wrong shape", [str(m) for m in self.shape_mismatches]),
        ):
            if items:
                shown = ", ".join(items[:_SHOWN])
                more = f" ... and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
                lines.append(f"{len(items)} {title}: {shown}{more}")
        return "; ".join(lines)


class CheckpointMismatchError(VoxtuneError):
    """A state dict does not fit the model or naming it was meant for; lists every key at fault."""

    def __init__(
        self,
        what: str,
        report: KeyReport,
        *,
        path: str | Path | None = None,
        hint: str | None = None,
    ):
        self.report = report
        detail = report.describe()
        super().__init__(f"{what}: {detail}" if detail else what, path=path, hint=hint)

    def __reduce__(self):
        return (_rebuild_mismatch, (type(self), self.what, self.report, self.path, self.hint))


def _rebuild_mismatch(cls, what, report, path, hint):
    error = cls.__new__(cls)
    VoxtuneError.__init__(error, what, path=path, hint=hint)
    error.report = report
    return error


def compare_state_dict(
    given: Mapping[str, torch.Tensor],
    expected_shapes: Mapping[str, Shape],
    *,
    ignore_prefixes: Iterable[str] = (),
) -> KeyReport:
    """Missing keys, unexpected keys and shape mismatches of ``given`` against ``expected_shapes``.

    Keys starting with any of ``ignore_prefixes`` are left out on both sides.
    """
    prefixes = tuple(ignore_prefixes)
    given_keys = {k for k in given if not k.startswith(prefixes)} if prefixes else set(given)
    expected_keys = (
        {k for k in expected_shapes if not k.startswith(prefixes)} if prefixes else set(expected_shapes)
    )
    mismatches = [
        ShapeMismatch(key, tuple(given[key].shape), tuple(expected_shapes[key]))
        for key in sorted(given_keys & expected_keys)
        if tuple(given[key].shape) != tuple(expected_shapes[key])
    ]
    return KeyReport(
        missing=sorted(expected_keys - given_keys),
        unexpected=sorted(given_keys - expected_keys),
        shape_mismatches=mismatches,
    )


def check_state_dict(
    given: Mapping[str, torch.Tensor],
    expected_shapes: Mapping[str, Shape],
    *,
    what: str,
    ignore_prefixes: Iterable[str] = (),
    path: str | Path | None = None,
    hint: str | None = None,
) -> None:
    """Raise :class:`CheckpointMismatchError` unless ``given`` has exactly the expected keys and shapes."""
    report = compare_state_dict(given, expected_shapes, ignore_prefixes=ignore_prefixes)
    if not report.ok:
        raise CheckpointMismatchError(what, report, path=path, hint=hint or _hint_for(report))


def model_shapes(model: torch.nn.Module) -> dict[str, Shape]:
    """The name and shape of every tensor in ``model.state_dict()``."""
    return {key: tuple(value.shape) for key, value in model.state_dict().items()}


def _hint_for(report: KeyReport) -> str | None:
    if any(("lora_" in key or ".base_layer." in key) for key in report.unexpected):
        return "The weights still hold LoRA adapters; merge them first (peft: model.merge_and_unload())"
    return None
