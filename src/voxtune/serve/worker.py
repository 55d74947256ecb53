"""The one thread that runs the models: every adapter switch and every generation happens on it.

Why one thread: an adapter is a state of the base model (peft's active adapter), and sampling families
seed torch's global RNG per request. Two requests running at once could each switch the adapter under
the other, or interleave their random draws — cross-talk. Serialising model calls makes each request's
output exactly what it would be alone; torch still uses every core (or the GPU) inside each call.

Requests wait in a bounded queue (``QueueFullError`` beyond it). A request whose client gave up or timed out
while queued is cancelled and never runs; one already running finishes and its result is dropped
(a streaming one is stopped at its next piece of audio).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch

from voxtune.adapters.attach import AdapterSlots
from voxtune.models.base import GenerationRequest, GenerationResult, LoadedModel
from voxtune.serve.catalog import CatalogModel, Route
from voxtune.serve.metrics import ServeMetrics

AudioSink = Callable[[np.ndarray], None]


class QueueFullError(Exception):
    """More requests are waiting than the server takes."""


class GenerationStoppedError(Exception):
    """Raised by an audio sink to stop a streaming generation (its client went away)."""


@dataclass
class LoadedBase:
    """A served base model, loaded, with the adapters attached to it."""

    model: CatalogModel
    loaded: LoadedModel
    slots: AdapterSlots


class ModelWorker:
    """Runs model calls one at a time on its own thread; ``submit`` returns a Future."""

    def __init__(
        self, bases: Mapping[str, LoadedBase], *, max_queue: int, metrics: ServeMetrics | None = None
    ):
        self.bases = dict(bases)
        self.max_queue = max_queue
        self.metrics = metrics
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voxtune-model")
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        """Requests queued or running."""
        return self._pending

    def submit(
        self, route: Route, request: GenerationRequest, *, seed: int, on_audio: AudioSink | None = None
    ) -> Future[GenerationResult]:
        """Queue one generation; with ``on_audio`` the family hands audio over as it generates it."""
        with self._lock:
            if self._pending > self.max_queue:
                raise QueueFullError(f"{self._pending} requests are already waiting for the model")
            self._pending += 1
            self._gauge()
        future = self._executor.submit(self._run, route, request, seed, on_audio)
        future.add_done_callback(self._finished)
        return future

    def run(self, fn: Callable[[], object]) -> Future[object]:
        """Run ``fn`` on the model thread (for work that touches models outside a request)."""
        return self._executor.submit(fn)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _finished(self, future: Future[GenerationResult]) -> None:
        with self._lock:
            self._pending -= 1
            self._gauge()
        if future.cancelled() and self.metrics is not None:
            self.metrics.dropped.labels("cancelled_in_queue").inc()

    def _gauge(self) -> None:
        if self.metrics is not None:
            self.metrics.queue.set(self._pending)

    def _run(
        self, route: Route, request: GenerationRequest, seed: int, on_audio: AudioSink | None
    ) -> GenerationResult:
        base = self.bases[route.model.name]
        family = base.loaded.family
        events = base.slots.events
        before = (events.loads, events.evictions, events.switches, events.load_seconds, events.switch_seconds)
        started = time.perf_counter()
        try:
            with base.slots.active(route.adapter), torch.no_grad():
                if on_audio is None:
                    (result,) = family.generate(
                        base.loaded, [request], route.settings, speakers=route.speakers, seed=seed
                    )
                else:
                    result = family.generate_incremental(
                        base.loaded, request, route.settings, on_audio, speakers=route.speakers, seed=seed
                    )
        except GenerationStoppedError:
            if self.metrics is not None:
                self.metrics.dropped.labels("stopped_mid_stream").inc()
            raise
        finally:
            self._record(route, base, before, time.perf_counter() - started)
        return result

    def _record(self, route: Route, base: LoadedBase, before: tuple, seconds: float) -> None:
        m = self.metrics
        if m is None:
            return
        name = route.model.name
        e = base.slots.events
        m.generations.labels(name, route.adapter_name).inc()
        m.generation_seconds.labels(name).observe(seconds)
        m.adapter_loads.labels(name).inc(e.loads - before[0])
        m.adapter_evictions.labels(name).inc(e.evictions - before[1])
        m.adapter_switches.labels(name).inc(e.switches - before[2])
        m.adapter_load_seconds.labels(name).inc(e.load_seconds - before[3])
        m.adapter_switch_seconds.labels(name).inc(e.switch_seconds - before[4])
        m.adapters_attached.labels(name).set(len(base.slots.attached))
        m.adapter_bytes.labels(name).set(base.slots.attached_bytes)
