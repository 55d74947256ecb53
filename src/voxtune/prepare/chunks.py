"""Running a stage on one chunk of items: the unit of parallel work and of resume.

A worker processes a chunk and writes three part files next to each other; the stats file is written
last, so a chunk counts as done exactly when its stats file exists. A killed run redoes only the
chunks without one, and because chunks are cut from the input in order, the result is the same as an
uninterrupted run.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection, write_ledger
from voxtune.corpus.manifest import cut_from_dict, read_json, write_json, write_jsonl
from voxtune.errors import AccountingError, ItemError
from voxtune.prepare.stage import ItemStage, Stage, StageContext, StageOutput


@dataclass(frozen=True)
class StageJob:
    """Everything a worker needs to run one stage: small and picklable."""

    stage_class: type[Stage]
    config: dict[str, Any]
    context: StageContext
    key: str
    mode: Literal["source", "item"]

    @property
    def parts_dir(self) -> Path:
        return self.context.work_dir / "parts"

    def build_stage(self) -> Stage:
        config = self.stage_class.config_class.model_validate(self.config)
        stage = self.stage_class(config, self.context)
        stage.setup()
        return stage


@dataclass
class ChunkStats:
    """Counts for one chunk; summed over chunks they give the stage's accounting."""

    index: int
    items_in: int = 0
    parents_out: int = 0
    parents_rejected: int = 0
    cuts_out: int = 0
    rejections: int = 0
    seconds_in: float = 0.0
    seconds_out: float = 0.0
    by_code: dict[str, int] = field(default_factory=dict)


def part_files(parts_dir: Path, index: int) -> tuple[Path, Path, Path]:
    stem = parts_dir / f"{index:06d}"
    return (
        stem.with_name(stem.name + ".cuts.jsonl"),
        stem.with_name(stem.name + ".rejected.jsonl"),
        stem.with_name(stem.name + ".stats.json"),
    )


def completed_chunks(parts_dir: Path) -> dict[int, ChunkStats]:
    """Chunks whose stats file exists, i.e. whose outputs were fully written."""
    done: dict[int, ChunkStats] = {}
    if parts_dir.is_dir():
        for path in parts_dir.glob("*.stats.json"):
            stats = ChunkStats(**read_json(path))
            done[stats.index] = stats
    return done


_STAGE_CACHE: dict[str, Stage] = {}


def _stage_for(job: StageJob) -> Stage:
    """One set-up stage instance per process and job (models load once, not per chunk)."""
    stage = _STAGE_CACHE.get(job.key)
    if stage is None:
        _STAGE_CACHE.clear()
        stage = _STAGE_CACHE[job.key] = job.build_stage()
    return stage


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run the block with torch limited to ``count`` intra-op threads (None: unchanged)."""
    if count is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run_chunk(job: StageJob, index: int, records: list[dict[str, Any]]) -> ChunkStats:
    """Process one chunk and write its part files; returns its counts."""
    with torch_threads(job.stage_class.torch_threads):
        return _run_chunk(job, index, records)


def _run_chunk(job: StageJob, index: int, records: list[dict[str, Any]]) -> ChunkStats:
    stage = _stage_for(job)
    stats = ChunkStats(index=index)
    outputs: list[Cut] = []
    rejections: list[Rejection] = []
    batch = stage.batch_size if job.mode == "item" and isinstance(stage, ItemStage) else 1
    if batch > 1:
        results = [
            result
            for start in range(0, len(records), batch)
            for result in run_items(stage, job, records[start : start + batch])  # type: ignore[arg-type]
        ]
    else:
        results = [run_item(stage, job, record) for record in records]
    for cuts, rejected, seconds_in in results:
        stats.items_in += 1
        stats.seconds_in += seconds_in
        if cuts:
            stats.parents_out += 1
        else:
            stats.parents_rejected += 1
        outputs.extend(cuts)
        rejections.extend(rejected)
    stats.cuts_out = len(outputs)
    stats.rejections = len(rejections)
    stats.seconds_out = sum(cut.duration for cut in outputs)
    for rejection in rejections:
        stats.by_code[rejection.code] = stats.by_code.get(rejection.code, 0) + 1
    cuts_path, ledger_path, stats_path = part_files(job.parts_dir, index)
    write_jsonl((cut.to_dict() for cut in outputs), cuts_path)
    write_ledger(rejections, ledger_path)
    write_json(asdict(stats), stats_path)
    return stats


def run_item(stage: Stage, job: StageJob, record: dict[str, Any]) -> tuple[list[Cut], list[Rejection], float]:
    """Run the stage on one input item; turn its failure into a ledger entry, never a crash."""
    if job.mode == "source":
        parent, source, seconds_in = str(record["id"]), record.get("source"), 0.0
        call = lambda: stage.load(record)  # noqa: E731
    else:
        cut = cut_from_dict(record)
        parent, source, seconds_in = cut.id, fields.source_of(cut), cut.duration
        call = lambda: stage.process(cut)  # noqa: E731
    try:
        cuts, rejected = split_output(call())
    except Exception as exc:  # a stage bug on one item must not lose the other items
        cuts, rejected = [], [_rejection(parent, exc)]
    return _accounted(job, parent, source, seconds_in, cuts, rejected)


def run_items(
    stage: ItemStage, job: StageJob, records: list[dict[str, Any]]
) -> list[tuple[list[Cut], list[Rejection], float]]:
    """Run an item stage on a batch of items at once; each item is accounted for as in run_item."""
    inputs = [cut_from_dict(record) for record in records]
    try:
        outputs: list[StageOutput | Exception] = list(stage.process_batch(inputs))
        if len(outputs) != len(inputs):
            raise AccountingError(
                f"stage '{job.stage_class.name}' returned {len(outputs)} results for a batch of {len(inputs)}"
            )
    except AccountingError:
        raise
    except Exception as exc:  # the whole batch failed: every item gets the reason
        outputs = [exc] * len(inputs)
    results = []
    for cut, output in zip(inputs, outputs, strict=True):
        if isinstance(output, Exception):
            cuts, rejected = [], [_rejection(cut.id, output)]
        else:
            try:
                cuts, rejected = split_output(output)
            except Exception as exc:
                cuts, rejected = [], [_rejection(cut.id, exc)]
        results.append(_accounted(job, cut.id, fields.source_of(cut), cut.duration, cuts, rejected))
    return results


def _rejection(item_id: str, exc: BaseException) -> Rejection:
    if isinstance(exc, ItemError):
        return Rejection(id=item_id, code=exc.code, reason=exc.reason, details=exc.details)
    return error_rejection(item_id, exc)


def _accounted(
    job: StageJob,
    parent: str,
    source: str | None,
    seconds_in: float,
    cuts: list[Cut],
    rejected: list[Rejection],
) -> tuple[list[Cut], list[Rejection], float]:
    """Check that an item was kept or rejected, stamp provenance and the stage on its outputs."""
    if not cuts and not rejected:
        raise AccountingError(
            f"stage '{job.stage_class.name}' returned no output and no rejection for item '{parent}'",
            hint="A stage must reject an item with a reason (raise ItemError) instead of dropping it",
        )
    for output in cuts:
        fields.add_provenance(output, job.stage_class.name)
    stamped = [
        Rejection(
            id=r.id,
            code=r.code,
            reason=r.reason,
            stage=job.stage_class.name,
            parent=parent,
            source=r.source or source,
            details=r.details,
        )
        for r in rejected
    ]
    return cuts, stamped, seconds_in


def split_output(output: StageOutput) -> tuple[list[Cut], list[Rejection]]:
    """Separate what a stage returned into kept cuts and rejections."""
    if isinstance(output, Cut):
        return [output], []
    cuts: list[Cut] = []
    rejected: list[Rejection] = []
    for element in output:
        if isinstance(element, Rejection):
            rejected.append(element)
        elif isinstance(element, Cut):
            cuts.append(element)
        else:
            raise TypeError(f"a stage returned {type(element).__name__}; expected Cut or Rejection")
    return cuts, rejected


def error_rejection(item_id: str, exc: BaseException) -> Rejection:
    """A ledger entry for an unexpected error, keeping where it happened for the bug report."""
    code = getattr(exc, "code", None)
    reason = getattr(exc, "reason", None)
    if isinstance(code, str) and isinstance(reason, str):
        return Rejection(
            id=item_id, code=code, reason=reason, details=dict(getattr(exc, "details", {}) or {})
        )
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return Rejection(
        id=item_id,
        code="stage_error",
        reason=f"{type(exc).__name__}: {exc}",
        details={"at": where},
    )
