"""Serving under load: throughput, p50/p99 latency, adapter-switch cost and memory of `voxtune serve`
with concurrent clients spread over several adapters on one base.

The server runs as its own process (`python -m voxtune serve`) on 127.0.0.1, so its memory is its own
(read from its /metrics before and after each scenario). Clients are threads in this process, each
sending its share of a fixed number of requests: the load is bounded (requests x clients), and nothing
leaves the machine. Scenarios, same requests, texts and seeds each:

- one adapter            baseline: every request to the same adapter, no switching
- mixed adapters         requests cycle over all adapters (round robin), all attached (LRU holds them)
- mixed, cache of 2      the same, with only 2 adapters kept attached: loads and evictions on the path

By default the base is a tiny random CSM with random adapters (built here, CPU); with --base and
--adapters it serves real ones (e.g. sesame/csm-1b and runs/csm-nordic/adapters on a GPU).

    python benchmarks/serve_load.py [--requests 48] [--clients 6] [--adapters-count 4]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from rich.console import Console
from rich.table import Table

TEXTS = ["one two three", "four five six seven", "eight nine", "zero one two three four"]


@dataclass
class Scenario:
    name: str
    requests: int
    clients: int
    wall_s: float
    throughput: float
    p50_s: float
    p99_s: float
    errors: int
    switches: float
    switch_ms: float
    loads: float
    load_ms: float
    evictions: float
    rss_before_mb: float
    rss_after_mb: float


def build_tiny(folder: Path, count: int) -> tuple[Path, list[str]]:
    """A tiny random CSM and ``count`` adapters with random LoRA weights (the trainer's saving code)."""
    import torch

    from voxtune.models.registry import get_family
    from voxtune.train.adapters import TrainedWeights
    from voxtune.train.config import LoraSpec

    family = get_family("csm")
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    base = family.build_tiny(folder / "tiny-csm", [*words, *(" ".join(words[i : i + 3]) for i in range(8))])
    names = []
    for index in range(count):
        loaded = family.load(base)
        weights = TrainedWeights(
            loaded, "lora", LoraSpec(r=16, alpha=32, dropout=0.0), family.default_lora_targets(loaded)
        )
        name = f"voice{index}"
        weights.ensure(name)
        generator = torch.Generator().manual_seed(index)
        with torch.no_grad():
            for pname, param in weights.model.named_parameters():
                if ".lora_B." in pname:
                    param.copy_(torch.randn(param.shape, generator=generator) * 0.05)
        weights.save(
            name,
            folder / "adapters" / name,
            {
                "family": "csm",
                "run": "bench",
                "stage": name,
                "base_model": loaded.source.to_dict(),
                "languages": ["en"],
                "speakers": {},
                "family_settings": {},
            },
        )
        names.append(name)
    return base, names


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """`voxtune serve` in a child process on 127.0.0.1."""

    def __init__(self, config: dict[str, Any], folder: Path, threads: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        path = folder / f"serve-{self.port}.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        env = {**os.environ, "OMP_NUM_THREADS": str(threads), "COLUMNS": "160"}
        src = Path(__file__).resolve().parents[1] / "src"
        env["PYTHONPATH"] = f"{src}{os.pathsep}{env.get('PYTHONPATH', '')}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voxtune", "serve", str(path), "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not start within 300 s")

    def metrics(self) -> dict[str, float]:
        values: dict[str, float] = {}
        for line in httpx.get(f"{self.url}/metrics", timeout=10).text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                values[name] = float(value)
        return values

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def total(metrics: dict[str, float], prefix: str) -> float:
    return sum(v for k, v in metrics.items() if re.match(re.escape(prefix) + r"(\{|$)", k))


def run_load(url: str, bodies: list[dict[str, Any]], clients: int) -> tuple[float, list[float], int]:
    """Send ``bodies`` from ``clients`` threads (each takes the next unsent one); wall time, latencies."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def client() -> None:
        nonlocal errors
        with httpx.Client(base_url=url, timeout=600) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    _, body = queue.pop(0)
                started = time.perf_counter()
                response = http.post("/v1/audio/speech", json=body)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    errors += response.status_code != 200

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def scenario(
    name: str, server: ServerProcess, model: str, adapters: list[str], requests: int, clients: int
) -> Scenario:
    warm = [
        {"model": f"{model}:{a}", "input": "one", "response_format": "pcm", "voice": "default"}
        for a in adapters
    ]
    run_load(server.url, warm, 1)  # attach what fits and warm the model, outside the measurement
    bodies = [
        {
            "model": f"{model}:{adapters[i % len(adapters)]}",
            "input": TEXTS[i % len(TEXTS)],
            "response_format": "pcm",
            "voice": "default",
            "seed": i,
        }
        for i in range(requests)
    ]
    before = server.metrics()
    wall, latencies, errors = run_load(server.url, bodies, clients)
    after = server.metrics()

    def delta(prefix: str) -> float:
        return total(after, prefix) - total(before, prefix)

    switches, loads = delta("voxtune_adapter_switches_total"), delta("voxtune_adapter_loads_total")
    return Scenario(
        name=name,
        requests=requests,
        clients=clients,
        wall_s=wall,
        throughput=requests / wall,
        p50_s=statistics.median(latencies),
        p99_s=percentile(latencies, 0.99),
        errors=errors,
        switches=switches,
        switch_ms=1000 * delta("voxtune_adapter_switch_seconds_total") / switches if switches else 0.0,
        loads=loads,
        load_ms=1000 * delta("voxtune_adapter_load_seconds_total") / loads if loads else 0.0,
        evictions=delta("voxtune_adapter_evictions_total"),
        rss_before_mb=before["process_resident_memory_bytes"] / 2**20,
        rss_after_mb=after["process_resident_memory_bytes"] / 2**20,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=48, help="requests per scenario")
    parser.add_argument("--clients", type=int, default=6, help="concurrent clients")
    parser.add_argument("--adapters-count", type=int, default=4, help="tiny adapters to build")
    parser.add_argument("--base", help="a real base (hub id or folder) instead of the tiny CSM")
    parser.add_argument("--adapters", type=Path, help="folder of adapters for --base")
    parser.add_argument("--max-seconds", type=float, default=0.8, help="audio cap per request")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the server")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    console = Console(width=None if sys.stdout.isatty() else 170)
    with tempfile.TemporaryDirectory(prefix="voxtune-serve-bench-") as tmp:
        folder = Path(tmp)
        if args.base:
            from voxtune.adapters import AdapterRegistry

            base, adapters_dir = args.base, args.adapters
            names = AdapterRegistry.scan([adapters_dir]).names()
        else:
            with console.status("building a tiny CSM and adapters"):
                base_path, names = build_tiny(folder, args.adapters_count)
            base, adapters_dir = str(base_path), folder / "adapters"
        model = {
            "name": "bench",
            "base": str(base),
            "adapters": [str(adapters_dir)],
            "generation": {"max_seconds": args.max_seconds, "seconds_per_character": 0.05},
        }
        limits = {"max_queue": args.clients + 4, "request_timeout_s": 600}
        rows = []
        plans = [
            ("one adapter (baseline)", names[:1], len(names)),
            (f"mixed: {len(names)} adapters", names, len(names)),
            (f"mixed: {len(names)} adapters, cache of 2", names, 2),
        ]
        for label, used, cache in plans:
            config = {"models": [model], "limits": limits, "adapter_cache": {"max_adapters": cache}}
            with console.status(f"{label}: starting the server"):
                server = ServerProcess(config, folder, args.threads)
            try:
                with console.status(f"{label}: {args.requests} requests from {args.clients} clients"):
                    rows.append(scenario(label, server, "bench", used, args.requests, args.clients))
            finally:
                server.stop()
    table = Table(
        title=f"serve load: {args.requests} requests, {args.clients} clients, 127.0.0.1", title_justify="left"
    )
    for column in (
        "scenario",
        "req/s",
        "p50 s",
        "p99 s",
        "errors",
        "switches",
        "switch ms",
        "loads",
        "load ms",
        "evictions",
        "RSS before → after MB",
    ):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    baseline = rows[0].throughput
    for row in rows:
        table.add_row(
            row.name,
            f"{row.throughput:.2f} ({row.throughput / baseline:.2f}x)",
            f"{row.p50_s:.2f}",
            f"{row.p99_s:.2f}",
            str(row.errors),
            f"{row.switches:.0f}",
            f"{row.switch_ms:.2f}",
            f"{row.loads:.0f}",
            f"{row.load_ms:.1f}",
            f"{row.evictions:.0f}",
            f"{row.rss_before_mb:.0f} → {row.rss_after_mb:.0f}",
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
