"""Stages that exist only to exercise the runner: failing items, fan-out, a simulated kill."""

from __future__ import annotations

import os

from lhotse.cut import Cut

from voxtune.corpus.ledger import Rejection
from voxtune.errors import ItemError
from voxtune.prepare import CorpusStage, ItemStage, StageConfig, register_stage

KILL_ENV = "VOXTUNE_TEST_KILL_AT"


class FlakyConfig(StageConfig):
    crash_ids: list[str] = []
    reject_ids: list[str] = []


@register_stage
class Flaky(ItemStage):
    """Raises a plain exception on some items (a stage bug) and rejects others properly."""

    name = "test_flaky"
    config_class = FlakyConfig
    config: FlakyConfig

    def process(self, cut: Cut) -> Cut:
        if cut.id in self.config.crash_ids:
            raise RuntimeError(f"boom on {cut.id}")
        if cut.id in self.config.reject_ids:
            raise ItemError("test_reject", f"{cut.id} is not wanted", value=1.5)
        return cut


class FanOutConfig(StageConfig):
    pieces: int = 3
    drop_piece: int | None = None


@register_stage
class FanOut(ItemStage):
    """Splits each cut into equal pieces (like a segmenter) and rejects one piece of each."""

    name = "test_fan_out"
    config_class = FanOutConfig
    config: FanOutConfig

    def process(self, cut: Cut) -> list[Cut | Rejection]:
        length = cut.duration / self.config.pieces
        out: list[Cut | Rejection] = []
        for index in range(self.config.pieces):
            piece = cut.truncate(offset=index * length, duration=length, preserve_id=False)
            piece.id = f"{cut.id}-{index}"
            if index == self.config.drop_piece:
                out.append(Rejection(id=piece.id, code="test_piece", reason="dropped piece"))
            else:
                out.append(piece)
        return out


@register_stage
class Dropper(ItemStage):
    """Breaks the rules: returns nothing and gives no reason."""

    name = "test_dropper"

    def process(self, cut: Cut) -> list[Cut]:
        return []


@register_stage
class KillSwitch(ItemStage):
    """Kills the whole process on the item named by an environment variable (a simulated crash)."""

    name = "test_kill_switch"

    def process(self, cut: Cut) -> Cut:
        if os.environ.get(KILL_ENV) == cut.id:
            os._exit(17)
        return cut


class KeepEveryConfig(StageConfig):
    every: int = 2


@register_stage
class KeepEvery(CorpusStage):
    """A whole-corpus stage: keeps every n-th cut in manifest order and rejects the rest."""

    name = "test_keep_every"
    config_class = KeepEveryConfig
    config: KeepEveryConfig

    def run(self, cuts):  # type: ignore[no-untyped-def]
        for index, cut in enumerate(cuts):
            if index % self.config.every == 0:
                yield cut
            else:
                yield Rejection(id=cut.id, code="test_thinned", reason="not an n-th item")


@register_stage
class AlwaysCrash(ItemStage):
    """A stage with a bug that hits every item."""

    name = "test_always_crash"

    def process(self, cut: Cut) -> Cut:
        raise KeyError("missing_setting")
