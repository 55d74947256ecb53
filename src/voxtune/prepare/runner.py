"""The prepare runner: runs a recipe's stages in order and owns parallelism, resume and the ledger.

Layout of an output corpus folder::

    cuts.jsonl.gz        the final items (a copy of the last stage's output)
    rejected.jsonl       every rejected item of every stage, with stage, source file and reason
    summary.json         per-stage counts and the rejection reasons
    recipe.yaml          the recipe as it ran (defaults filled in, paths resolved)
    audio/NN_stage/      audio files a stage wrote
    stages/NN_stage/     each stage's own output, resume state and part files

A stage is skipped when its fingerprint (its name, version, config and the fingerprint of the stage
before it) matches the one recorded when it last finished; a stage killed half-way keeps the chunks
it finished and redoes only the others.
"""

from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import yaml
from lhotse.cut import Cut

from voxtune.config import fingerprint
from voxtune.corpus import fields
from voxtune.corpus.folder import AUDIO_DIR, CUTS_FILE, LEDGER_FILE, STAGES_DIR, SUMMARY_FILE
from voxtune.corpus.ledger import Rejection, read_ledger, write_ledger
from voxtune.corpus.manifest import (
    atomic_output,
    read_cuts,
    read_json,
    read_jsonl,
    write_json,
    write_jsonl,
)
from voxtune.errors import AccountingError, InputError, VoxtuneError
from voxtune.prepare.chunks import ChunkStats, StageJob, completed_chunks, part_files
from voxtune.prepare.executors import Executor, make_executor
from voxtune.prepare.recipe import Recipe, StageSpec
from voxtune.prepare.stage import ItemStage, SourceStage, StageContext

STATE_FILE = "state.json"
DONE_FILE = "done.json"
MAPPED_FILE = "mapped.jsonl.gz"


@dataclass
class StageReport:
    """What one stage did: counts in and out, hours, rejections by code, and whether it was cached."""

    index: int
    name: str
    status: str = "ran"  # ran | resumed | cached
    items_in: int = 0
    items_out: int = 0
    rejected: int = 0
    seconds_in: float | None = None
    seconds_out: float = 0.0
    elapsed: float = 0.0
    by_code: dict[str, int] = field(default_factory=dict)
    key: str = ""


@dataclass
class PrepareResult:
    corpus_dir: Path
    stages: list[StageReport]

    @property
    def items_out(self) -> int:
        return self.stages[-1].items_out

    @property
    def hours_out(self) -> float:
        return self.stages[-1].seconds_out / 3600

    @property
    def rejected(self) -> int:
        return sum(stage.rejected for stage in self.stages)


class ProgressSink(Protocol):
    """Receives progress; the CLI shows it as bars, tests pass nothing."""

    def start_stage(self, spec: StageSpec, total: int | None) -> None: ...
    def advance(self, items: int) -> None: ...
    def end_stage(self, report: StageReport) -> None: ...


class _Silent:
    def start_stage(self, spec: StageSpec, total: int | None) -> None:
        pass

    def advance(self, items: int) -> None:
        pass

    def end_stage(self, report: StageReport) -> None:
        pass


def run_recipe(
    recipe: Recipe,
    output: str | Path | None = None,
    *,
    workers: int | None = None,
    executor: str | None = None,
    force: bool = False,
    progress: ProgressSink | None = None,
) -> PrepareResult:
    """Run ``recipe`` into ``output`` (or the recipe's own ``output``), resuming earlier work."""
    target = Path(output) if output is not None else recipe.settings.output
    if target is None:
        raise InputError("no output folder", hint="Pass --out DIR or set 'output:' in the recipe")
    settings = recipe.settings
    runner = _Runner(
        recipe=recipe,
        corpus_dir=target.absolute(),
        workers=workers or settings.workers,
        executor_kind=executor or settings.executor,
        force=force,
        progress=progress or _Silent(),
    )
    return runner.run()


class _Runner:
    def __init__(
        self,
        recipe: Recipe,
        corpus_dir: Path,
        workers: int,
        executor_kind: str,
        force: bool,
        progress: ProgressSink,
    ):
        self.recipe = recipe
        self.corpus_dir = corpus_dir
        self.workers = workers
        self.executor_kind = executor_kind
        self.force = force
        self.progress = progress

    def run(self) -> PrepareResult:
        _check_output_folder(self.corpus_dir)
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        with _CorpusLock(self.corpus_dir), self._executor() as executor:
            reports: list[StageReport] = []
            previous: StageReport | None = None
            for spec in self.recipe.stages:
                report = self._run_stage(spec, previous, executor)
                reports.append(report)
                previous = report
            self._publish(reports)
        return PrepareResult(corpus_dir=self.corpus_dir, stages=reports)

    def _executor(self) -> Executor:
        return make_executor(self.executor_kind, self.workers, self.recipe.settings.ray_address)

    # -- one stage -------------------------------------------------------------------------------

    def _context(self, spec: StageSpec) -> StageContext:
        return StageContext(
            corpus_dir=self.corpus_dir,
            work_dir=self.corpus_dir / STAGES_DIR / spec.folder_name,
            audio_dir=self.corpus_dir / AUDIO_DIR / spec.folder_name,
            index=spec.index,
            workers=self.workers,
            seed=self.recipe.settings.seed,
        )

    def _run_stage(self, spec: StageSpec, previous: StageReport | None, executor: Executor) -> StageReport:
        context = self._context(spec)
        config = spec.config.model_dump(mode="json")
        source_items: list[dict[str, Any]] | None = None
        upstream = previous.key if previous else ""
        if issubclass(spec.stage_class, SourceStage):
            stage = spec.stage_class(spec.config, context)
            source_items = list(stage.discover())  # type: ignore[attr-defined]
            upstream = fingerprint(source_items)
        key = fingerprint(spec.name, spec.stage_class.version, config, upstream)

        done_path = context.work_dir / DONE_FILE
        if not self.force and done_path.is_file() and read_json(done_path).get("key") == key:
            report = StageReport(**read_json(done_path))
            report.status = "cached"
            self.progress.start_stage(spec, report.items_in)
            self.progress.advance(report.items_in)
            self.progress.end_stage(report)
            return report

        resumed = self._prepare_work_dir(context, key)
        started = time.perf_counter()
        total = len(source_items) if source_items is not None else (previous.items_out if previous else 0)
        self.progress.start_stage(spec, total)
        report = StageReport(
            index=spec.index, name=spec.name, key=key, status="resumed" if resumed else "ran"
        )
        if source_items is not None or issubclass(spec.stage_class, ItemStage):
            mode = "source" if source_items is not None else "item"
            job = StageJob(spec.stage_class, config, context, key, mode)  # type: ignore[arg-type]
            records = source_items if source_items is not None else self._input_records(previous)
            self._run_chunks(job, records, executor, report)
            if mode == "source":
                report.seconds_in = None
            if issubclass(spec.stage_class, ItemStage) and spec.stage_class.has_finalize():
                self._run_whole(spec, context, report, finalize=True)
        else:
            self._run_whole(spec, context, report, finalize=False, previous=previous)
        if previous is not None and report.items_in != previous.items_out:
            raise AccountingError(
                f"stage '{spec.name}' saw {report.items_in} items but the stage before it wrote "
                f"{previous.items_out}",
                path=context.work_dir,
                hint="Run again with --force to redo this stage",
            )
        report.elapsed = time.perf_counter() - started
        write_json(asdict(report), done_path)
        shutil.rmtree(context.work_dir / "parts", ignore_errors=True)
        (context.work_dir / MAPPED_FILE).unlink(missing_ok=True)
        self.progress.end_stage(report)
        return report

    def _prepare_work_dir(self, context: StageContext, key: str) -> bool:
        """Keep finished chunks of an interrupted run with the same key; otherwise start clean."""
        state_path = context.work_dir / STATE_FILE
        if not self.force and state_path.is_file() and read_json(state_path).get("key") == key:
            return bool(completed_chunks(context.work_dir / "parts"))
        shutil.rmtree(context.work_dir, ignore_errors=True)
        shutil.rmtree(context.audio_dir, ignore_errors=True)
        context.work_dir.mkdir(parents=True)
        context.audio_dir.mkdir(parents=True)
        write_json({"key": key}, state_path)
        return False

    def _input_records(self, previous: StageReport | None) -> Iterator[dict[str, Any]]:
        assert previous is not None
        return read_jsonl(self._stage_cuts_path(previous))

    def _stage_cuts_path(self, report: StageReport) -> Path:
        return self.corpus_dir / STAGES_DIR / f"{report.index:02d}_{report.name}" / CUTS_FILE

    def _run_chunks(
        self,
        job: StageJob,
        records: Iterable[dict[str, Any]],
        executor: Executor,
        report: StageReport,
    ) -> None:
        chunk_size = self.recipe.settings.chunk_size
        done = completed_chunks(job.parts_dir)
        stats: dict[int, ChunkStats] = dict(done)
        for chunk_stats in done.values():
            self.progress.advance(chunk_stats.items_in)

        def pending_chunks() -> Iterator[tuple[int, list[dict[str, Any]]]]:
            iterator = iter(records)
            index = 0
            while chunk := list(islice(iterator, chunk_size)):
                if index not in done:
                    yield index, chunk
                index += 1

        for chunk_stats in executor.run(job, pending_chunks()):
            stats[chunk_stats.index] = chunk_stats
            self.progress.advance(chunk_stats.items_in)
            _stop_if_every_item_errors(job, list(stats.values()))
        self._merge_parts(job, [stats[i] for i in sorted(stats)], report)

    def _merge_parts(self, job: StageJob, stats: list[ChunkStats], report: StageReport) -> None:
        """Concatenate part files in chunk order into the stage's manifest and ledger, checking counts."""
        expected = list(range(len(stats)))
        if [s.index for s in stats] != expected:
            raise AccountingError(f"stage '{job.stage_class.name}' is missing chunks", path=job.parts_dir)
        report.items_in = sum(s.items_in for s in stats)
        parents = sum(s.parents_out + s.parents_rejected for s in stats)
        if parents != report.items_in:
            raise AccountingError(
                f"stage '{job.stage_class.name}': {report.items_in} items in, but {parents} "
                "accounted for as output or rejected",
                path=job.parts_dir,
            )
        report.seconds_in = sum(s.seconds_in for s in stats)
        target = job.context.work_dir / (
            MAPPED_FILE
            if job.mode == "item" and job.stage_class.has_finalize()  # type: ignore[attr-defined]
            else CUTS_FILE
        )
        seen: set[str] = set()

        def cut_records() -> Iterator[dict[str, Any]]:
            for s in stats:
                for record in read_jsonl(part_files(job.parts_dir, s.index)[0]):
                    if record["id"] in seen:
                        raise AccountingError(
                            f"stage '{job.stage_class.name}' produced the id '{record['id']}' twice",
                            hint="Output ids must be unique; segmenting stages should suffix them",
                        )
                    seen.add(record["id"])
                    report.seconds_out += _record_duration(record)
                    yield record

        report.items_out = write_jsonl(cut_records(), target)
        report.rejected = write_ledger(
            (r for s in stats for r in read_ledger(part_files(job.parts_dir, s.index)[1])),
            job.context.work_dir / LEDGER_FILE,
        )
        for s in stats:
            for code, count in s.by_code.items():
                report.by_code[code] = report.by_code.get(code, 0) + count

    def _run_whole(
        self,
        spec: StageSpec,
        context: StageContext,
        report: StageReport,
        *,
        finalize: bool,
        previous: StageReport | None = None,
    ) -> None:
        """Run a whole-corpus pass (CorpusStage.run or ItemStage.finalize) in this process."""
        stage = spec.stage_class(spec.config, context)
        stage.setup()
        if finalize:
            input_path = context.work_dir / MAPPED_FILE
            earlier = list(read_ledger(context.work_dir / LEDGER_FILE))
        else:
            assert previous is not None
            input_path = self._stage_cuts_path(previous)
            earlier = []
        cuts = read_cuts(input_path)
        ids_in: list[str] = []
        seconds_in = 0.0
        for cut in cuts:
            ids_in.append(cut.id)
            seconds_in += cut.duration
        if not finalize:
            report.items_in = len(ids_in)
            report.seconds_in = seconds_in
            self.progress.advance(len(ids_in))
        produced = (
            stage.finalize(cuts) if finalize else stage.run(cuts)  # type: ignore[attr-defined]
        )
        rejections: list[Rejection] = []
        seen: set[str] = set()
        report.seconds_out = 0.0

        def kept() -> Iterator[Cut]:
            for element in produced:
                element_id = element.id
                if element_id in seen:
                    raise AccountingError(f"stage '{spec.name}' returned '{element_id}' twice")
                seen.add(element_id)
                if isinstance(element, Rejection):
                    rejections.append(_stamp(element, spec.name))
                    continue
                if not finalize:
                    fields.add_provenance(element, spec.name)
                report.seconds_out += element.duration
                yield element

        report.items_out = write_jsonl((cut.to_dict() for cut in kept()), context.work_dir / CUTS_FILE)
        missing = set(ids_in) - seen
        extra = seen - set(ids_in)
        if missing or extra:
            raise AccountingError(
                f"stage '{spec.name}' must return each input item once (kept or rejected): "
                f"{len(missing)} missing (e.g. {sorted(missing)[:3]}), {len(extra)} unknown "
                f"(e.g. {sorted(extra)[:3]})"
            )
        report.rejected = write_ledger([*earlier, *rejections], context.work_dir / LEDGER_FILE)
        for rejection in rejections:
            report.by_code[rejection.code] = report.by_code.get(rejection.code, 0) + 1

    # -- the corpus folder -----------------------------------------------------------------------

    def _publish(self, reports: list[StageReport]) -> None:
        """Write the corpus-level manifest, merged ledger, summary and recipe; drop stale stages."""
        last = self._stage_cuts_path(reports[-1])
        with atomic_output(self.corpus_dir / CUTS_FILE) as tmp:
            shutil.copyfile(last, tmp)
        write_ledger(
            (
                r
                for report in reports
                for r in read_ledger(
                    self.corpus_dir / STAGES_DIR / f"{report.index:02d}_{report.name}" / LEDGER_FILE
                )
            ),
            self.corpus_dir / LEDGER_FILE,
        )
        write_json(
            {"recipe": self.recipe.name, "stages": [asdict(r) for r in reports]},
            self.corpus_dir / SUMMARY_FILE,
        )
        with atomic_output(self.corpus_dir / "recipe.yaml") as tmp:
            tmp.write_text(yaml.safe_dump(self.recipe.as_dict(), sort_keys=False, allow_unicode=True))
        settings = self.recipe.settings
        if settings.report:
            from voxtune.reports.corpus_report import write_corpus_report

            write_corpus_report(self.corpus_dir, samples=settings.report_samples, seed=settings.seed)
        current = {spec.folder_name for spec in self.recipe.stages}
        for parent in (self.corpus_dir / STAGES_DIR, self.corpus_dir / AUDIO_DIR):
            for folder in parent.iterdir() if parent.is_dir() else ():
                if folder.is_dir() and folder.name not in current:
                    shutil.rmtree(folder)


SYSTEMATIC_FAILURE_ITEMS = 20
"""After this many items all failing with an unexpected error, a stage is stopped as broken."""


def _stop_if_every_item_errors(job: StageJob, stats: list[ChunkStats]) -> None:
    """One bad item goes to the ledger; every item failing the same way is a bug or a setup problem."""
    seen = sum(s.items_in for s in stats)
    errors = sum(s.by_code.get("stage_error", 0) for s in stats)
    if seen >= SYSTEMATIC_FAILURE_ITEMS and errors >= seen:
        example = next(
            (
                r
                for s in sorted(stats, key=lambda s: s.index)
                for r in read_ledger(part_files(job.parts_dir, s.index)[1])
            ),
            None,
        )
        first = f"{example.reason} at {example.details.get('at')}" if example else "?"
        raise VoxtuneError(
            f"stage '{job.stage_class.name}' failed on all of its first {seen} items with unexpected "
            f"errors (first: {first})",
            hint="This is a bug or a setup problem, not bad data; run with --debug for details",
        )


def _stamp(rejection: Rejection, stage: str) -> Rejection:
    data = rejection.to_dict()
    data["stage"] = stage
    return Rejection.from_dict(data)


def _record_duration(record: dict[str, Any]) -> float:
    return float(record.get("duration", 0.0))


def _check_output_folder(folder: Path) -> None:
    """Refuse to write a corpus into a folder that holds something else."""
    if folder.exists() and not folder.is_dir():
        raise InputError("the output path is a file, not a folder", path=folder)
    if folder.is_dir() and any(folder.iterdir()) and not (folder / STAGES_DIR).is_dir():
        raise InputError(
            "the output folder is not empty and is not a voxtune corpus",
            path=folder,
            hint="Choose a new or empty folder for --out",
        )


class _CorpusLock:
    """An exclusive lock on the corpus folder so two runs never write into it at once."""

    def __init__(self, folder: Path):
        self.path = folder / ".lock"

    def __enter__(self) -> None:
        self.handle = self.path.open("w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise VoxtuneError(
                "another `voxtune prepare` is writing to this corpus folder",
                path=self.path.parent,
                hint="Wait for it to finish or choose another --out",
            ) from None

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
