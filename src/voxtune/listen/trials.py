"""Blind, randomised listening trials built from an evaluation's ``samples.json``.

A **MOS** trial plays one clip (any system, the reference recording included as a hidden anchor) and
asks for a 1-5 rating; an **A/B** trial plays the base model's and one adapter's clip of the same item in
random order and asks which is better. Each listener gets their own random order (seeded per session)
and every clip is served under a random token, so nothing on the page says which system made it.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from voxtune.config import StrictModel
from voxtune.corpus.manifest import read_json
from voxtune.errors import InputError

SAMPLES_FILE = "samples.json"


class ListeningDesign(StrictModel):
    """How many trials of each kind a listener gets (``None``: all there are)."""

    mos: int | None = Field(None, ge=0)
    ab: int | None = Field(None, ge=0)
    reference_in_mos: bool = True
    """Rate the recordings too: an anchor that shows how the listener uses the scale."""
    sets: list[str] = ["test", "regression"]


@dataclass(frozen=True)
class Clip:
    system: str
    path: Path


@dataclass(frozen=True)
class PoolItem:
    set: str
    item: str
    text: str | None
    clips: dict[str, Clip]


@dataclass(frozen=True)
class SamplePool:
    """What a report offers to listen to: its folder, base and reference names, items with clips."""

    folder: Path
    name: str
    base: str
    reference: str
    items: list[PoolItem]

    @property
    def systems(self) -> list[str]:
        return sorted({s for item in self.items for s in item.clips})


def load_pool(report_dir: str | Path) -> SamplePool:
    """Read ``samples.json`` of an evaluation folder; clips whose file is missing are left out."""
    folder = Path(report_dir)
    path = folder / SAMPLES_FILE
    if not path.is_file():
        raise InputError(
            f"no {SAMPLES_FILE} here, so this is not an evaluation folder",
            path=folder,
            hint="Point at eval/NAME written by `voxtune evaluate`",
        )
    data = read_json(path)
    items = []
    for entry in data.get("items", []):
        clips = {
            system: Clip(system, folder / relative)
            for system, relative in entry.get("clips", {}).items()
            if (folder / relative).is_file()
        }
        if clips:
            items.append(PoolItem(entry["set"], entry["item"], entry.get("text"), clips))
    if not items:
        raise InputError(f"{SAMPLES_FILE} lists no clips that exist", path=folder)
    return SamplePool(
        folder,
        data.get("name", folder.name),
        data.get("base", "base"),
        data.get("reference", "reference"),
        items,
    )


@dataclass(frozen=True)
class Trial:
    """One screen of the test. ``systems``/``tokens`` are in play order (A first)."""

    position: int
    kind: str
    set: str
    item: str
    text: str | None
    systems: tuple[str, ...]
    tokens: tuple[str, ...]
    paths: tuple[str, ...]

    def public(self, total: int) -> dict[str, Any]:
        """What the page may see: no system names, clips by token only."""
        return {
            "position": self.position,
            "total": total,
            "kind": self.kind,
            "text": self.text,
            "clips": [f"/audio/{token}" for token in self.tokens],
        }


def design_trials(pool: SamplePool, design: ListeningDesign, seed: int) -> list[Trial]:
    """Every MOS and A/B trial of the pool (capped per ``design``), shuffled with ``seed``."""
    rng = random.Random(seed)
    mos: list[tuple[PoolItem, tuple[Clip, ...]]] = []
    ab: list[tuple[PoolItem, tuple[Clip, ...]]] = []
    for item in pool.items:
        if item.set not in design.sets:
            continue
        for system, clip in sorted(item.clips.items()):
            if system != pool.reference or design.reference_in_mos:
                mos.append((item, (clip,)))
        base = item.clips.get(pool.base)
        if base is not None:
            for system, clip in sorted(item.clips.items()):
                if system not in (pool.base, pool.reference):
                    pair = [base, clip]
                    rng.shuffle(pair)
                    ab.append((item, tuple(pair)))
    rng.shuffle(mos)
    rng.shuffle(ab)
    chosen = [("mos", t) for t in mos[: design.mos]] + [("ab", t) for t in ab[: design.ab]]
    rng.shuffle(chosen)
    return [
        Trial(
            position=position,
            kind=kind,
            set=item.set,
            item=item.item,
            text=item.text,
            systems=tuple(c.system for c in clips),
            tokens=tuple(secrets.token_urlsafe(12) for _ in clips),
            paths=tuple(str(c.path) for c in clips),
        )
        for position, (kind, (item, clips)) in enumerate(chosen)
    ]
