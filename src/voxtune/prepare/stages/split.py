"""split: assign train / validation / test, speaker-disjoint when asked and stratified by language."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

from lhotse import CutSet
from lhotse.cut import Cut
from pydantic import Field, model_validator

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import CorpusStage, StageConfig


class SplitConfig(StageConfig):
    validation: float = Field(0.05, ge=0.0, lt=1.0)
    """Share of audio (by duration) for the validation split."""
    test: float = Field(0.05, ge=0.0, lt=1.0)
    speaker_disjoint: bool = False
    """Keep every speaker's items in one split, so evaluation hears voices training never saw."""
    stratify_by_language: bool = True
    """Split each language separately, so every split has each language in proportion."""
    min_items_per_split: int = Field(1, ge=0)
    """Each non-empty split of each language gets at least this many items when there are enough."""

    @model_validator(mode="after")
    def _shares_fit(self) -> SplitConfig:
        if self.validation + self.test >= 1.0:
            raise ValueError("validation + test must leave something for train")
        return self


def _rank(key: str, seed: int) -> str:
    """A seeded, stable pseudo-random order that does not depend on the input order."""
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def _label(cut: Cut, attribute: str) -> str:
    sup = cut.supervisions[0] if cut.supervisions else None
    value = getattr(sup, attribute, None) if sup else None
    return value or "unknown"


@register_stage
class Split(CorpusStage):
    name = "split"
    config_class = SplitConfig
    config: SplitConfig

    def run(self, cuts: CutSet) -> Iterator[Cut | Rejection]:
        groups: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for cut in cuts:
            stratum = _label(cut, "language") if self.config.stratify_by_language else "all"
            unit = _label(cut, "speaker") if self.config.speaker_disjoint else cut.id
            groups[stratum][unit] += cut.duration
        assignment: dict[tuple[str, str], str] = {}
        for stratum, units in groups.items():
            assignment.update({(stratum, unit): split for unit, split in self._assign(units).items()})
        for cut in cuts:
            stratum = _label(cut, "language") if self.config.stratify_by_language else "all"
            unit = _label(cut, "speaker") if self.config.speaker_disjoint else cut.id
            custom = dict(cut.custom or {})
            custom[fields.SPLIT] = assignment[(stratum, unit)]
            cut.custom = custom
            yield cut

    def _assign(self, units: dict[str, float]) -> dict[str, str]:
        """Fill test, then validation, up to their share of the stratum's audio; the rest is train."""
        order = sorted(units, key=lambda unit: _rank(unit, self.context.seed))
        total = sum(units.values())
        targets = [("test", self.config.test * total), ("validation", self.config.validation * total)]
        result: dict[str, str] = {}
        position = 0
        for split, target in targets:
            if target <= 0:
                continue
            taken, count = 0.0, 0
            # the last unit always stays for train
            while position < len(order) - 1 and (taken < target or count < self.config.min_items_per_split):
                result[order[position]] = split
                taken += units[order[position]]
                count += 1
                position += 1
        for unit in order[position:]:
            result[unit] = "train"
        return result
