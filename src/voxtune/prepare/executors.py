"""Where chunks run: in this process, in a local process pool, or as Ray tasks on a cluster.

All three call the same ``run_chunk`` on the same chunks, so they produce identical manifests.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from voxtune.errors import ConfigError
from voxtune.prepare.chunks import ChunkStats, StageJob, run_chunk

Chunk = tuple[int, list[dict[str, Any]]]


class Executor(ABC):
    """Runs chunks of one stage and yields their stats as they complete."""

    def __init__(self, workers: int):
        self.workers = workers

    @abstractmethod
    def run(self, job: StageJob, chunks: Iterable[Chunk]) -> Iterator[ChunkStats]: ...

    def close(self) -> None:  # noqa: B027 - only some executors hold resources
        """Release worker processes or cluster connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InlineExecutor(Executor):
    """Runs chunks one after another in this process (``--workers 1``; easiest to debug)."""

    def __init__(self) -> None:
        super().__init__(workers=1)

    def run(self, job: StageJob, chunks: Iterable[Chunk]) -> Iterator[ChunkStats]:
        for index, records in chunks:
            yield run_chunk(job, index, records)


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


class LocalExecutor(Executor):
    """A pool of local processes; at most two chunks per worker are in flight, so memory stays flat."""

    def __init__(self, workers: int):
        super().__init__(workers)
        threads = max(1, (os.cpu_count() or 1) // workers)
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(threads,),
        )

    def run(self, job: StageJob, chunks: Iterable[Chunk]) -> Iterator[ChunkStats]:
        pending: set[Future[ChunkStats]] = set()
        for index, records in chunks:
            if len(pending) >= 2 * self.workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
            pending.add(self._pool.submit(run_chunk, job, index, records))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class RayExecutor(Executor):
    """Chunks as Ray tasks: a local Ray instance by default, or a cluster at ``address``.

    On a cluster every node must see the corpus folder at the same path (shared filesystem).
    """

    def __init__(self, workers: int, address: str | None = None):
        super().__init__(workers)
        try:
            import ray
        except ImportError:
            raise ConfigError(
                "executor 'ray' needs the ray package", hint='Install it with: pip install "voxtune[ray]"'
            ) from None
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                kwargs["address"] = address
            else:  # a local instance: workers import whatever this process can (custom stage modules)
                kwargs["num_cpus"] = workers
                search_path = os.pathsep.join(p for p in sys.path if p)
                kwargs["runtime_env"] = {"env_vars": {"PYTHONPATH": search_path}}
            ray.init(**kwargs)
        self._task = ray.remote(num_cpus=1)(run_chunk)

    def run(self, job: StageJob, chunks: Iterable[Chunk]) -> Iterator[ChunkStats]:
        ray = self._ray
        job_ref = ray.put(job)
        pending: list[Any] = []
        for index, records in chunks:
            if len(pending) >= 2 * self.workers:
                done, pending = ray.wait(pending, num_returns=1)
                yield from ray.get(done)
            pending.append(self._task.remote(job_ref, index, records))
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(done)

    def close(self) -> None:
        if self._started_here:
            self._ray.shutdown()


def make_executor(kind: str, workers: int, address: str | None = None) -> Executor:
    if kind == "ray":
        return RayExecutor(workers, address)
    if kind != "local":
        raise ConfigError(f"unknown executor '{kind}'", hint="Use 'local' or 'ray'")
    return InlineExecutor() if workers == 1 else LocalExecutor(workers)
