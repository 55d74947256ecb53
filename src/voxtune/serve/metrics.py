"""Prometheus metrics of one server (its own registry, so several apps can live in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, generate_latest

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class ServeMetrics:
    """Requests, generation, the adapter cache and the queue; exposed at ``GET /metrics``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # resident memory, CPU seconds, open files
        r = self.registry
        self.requests = Counter(
            "voxtune_requests", "HTTP requests by endpoint and status", ["endpoint", "status"], registry=r
        )
        self.request_seconds = Histogram(
            "voxtune_request_seconds", "Request latency", ["endpoint"], buckets=LATENCY_BUCKETS, registry=r
        )
        self.generations = Counter(
            "voxtune_generations", "Model calls by model and adapter", ["model", "adapter"], registry=r
        )
        self.generation_seconds = Histogram(
            "voxtune_generation_seconds",
            "Time the model spent on one request (adapter switch included)",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.audio_seconds = Counter(
            "voxtune_audio_seconds",
            "Seconds of audio generated or transcribed",
            ["model", "task"],
            registry=r,
        )
        self.adapter_loads = Counter("voxtune_adapter_loads", "Adapters attached", ["model"], registry=r)
        self.adapter_evictions = Counter(
            "voxtune_adapter_evictions", "Adapters evicted (least recently used)", ["model"], registry=r
        )
        self.adapter_switches = Counter(
            "voxtune_adapter_switches", "Changes of the active adapter", ["model"], registry=r
        )
        self.adapter_switch_seconds = Counter(
            "voxtune_adapter_switch_seconds", "Time spent switching adapters", ["model"], registry=r
        )
        self.adapter_load_seconds = Counter(
            "voxtune_adapter_load_seconds", "Time spent attaching adapters", ["model"], registry=r
        )
        self.adapters_attached = Gauge(
            "voxtune_adapters_attached", "Adapters attached now", ["model"], registry=r
        )
        self.adapter_bytes = Gauge(
            "voxtune_adapter_bytes", "Memory of the attached adapters' weights", ["model"], registry=r
        )
        self.queue = Gauge("voxtune_queue_depth", "Requests waiting for or using the model", registry=r)
        self.dropped = Counter(
            "voxtune_dropped", "Requests dropped before or during generation", ["reason"], registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
