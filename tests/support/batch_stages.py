"""An item stage that works on batches, to exercise the runner's batch path."""

from __future__ import annotations

from collections.abc import Sequence

from lhotse.cut import Cut

from voxtune.errors import ItemError
from voxtune.prepare import ItemStage, StageConfig, register_stage
from voxtune.prepare.stage import StageOutput


class BatchRecorderConfig(StageConfig):
    batch_size: int = 4
    reject_ids: list[str] = []
    crash_ids: list[str] = []
    fail_batch_with: str | None = None
    """Raise from process_batch when a batch holds this id (a model failure on the whole batch)."""
    drop_one: bool = False
    """Return one result too few (a stage bug the runner must catch)."""


@register_stage
class BatchRecorder(ItemStage):
    """Writes into each cut the size of the batch it came in and its position there."""

    name = "test_batch_recorder"
    config_class = BatchRecorderConfig
    config: BatchRecorderConfig

    def setup(self) -> None:
        self.batch_size = self.config.batch_size

    def process(self, cut: Cut) -> Cut:
        raise AssertionError("the runner must call process_batch when batch_size > 1")

    def process_batch(self, cuts: Sequence[Cut]) -> list[StageOutput | Exception]:
        if self.config.fail_batch_with in {cut.id for cut in cuts}:
            raise RuntimeError("the model ran out of memory")
        results: list[StageOutput | Exception] = []
        for position, cut in enumerate(cuts):
            if cut.id in self.config.reject_ids:
                results.append(ItemError("test_reject", f"{cut.id} is not wanted", position=position))
            elif cut.id in self.config.crash_ids:
                results.append(ValueError(f"bad value in {cut.id}"))
            else:
                cut.custom = {**(cut.custom or {}), "batch": [len(cuts), position]}
                results.append(cut)
        return results[:-1] if self.config.drop_one else results
