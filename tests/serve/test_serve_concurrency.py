"""A live server under concurrent clients: requests alternating between adapters each get exactly what
they get alone (no cross-talk), a full queue answers 503, slow requests 504, and requests whose clients
left are dropped unrun — with the server healthy and unchanged afterwards."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import numpy as np
import pytest

from support.serving import ServeModels, config_data
from voxtune.serve.config import serve_config
from voxtune.serve.server import background_server
from voxtune.serve.service import Service, start_service

pytestmark = pytest.mark.slow

TEXTS = ["one two", "three four five", "six", "seven eight nine"]


def speech_body(index: int) -> dict[str, Any]:
    """Request ``index``: alternating adapters (and speakers, seeds, texts)."""
    adapter, voice = [("tts:nb", "nb_f"), ("tts:sv", "sv_f"), ("tts:nb", "nb_m"), ("tts:sv", "default")][
        index % 4
    ]
    return {
        "model": adapter,
        "voice": voice,
        "input": TEXTS[index % len(TEXTS)],
        "response_format": "pcm",
        "seed": index % 3,
    }


def wav_bytes(seed: int) -> bytes:
    import io

    import soundfile as sf

    buffer = io.BytesIO()
    audio = (np.random.default_rng(seed).standard_normal(12000) * 0.1).astype(np.float32)
    sf.write(buffer, audio, 16000, format="WAV")
    return buffer.getvalue()


def metric(url: str, name: str) -> float:
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture(scope="module")
def url(service: Service) -> Iterator[str]:
    with background_server(service) as base:
        yield base


def test_concurrent_requests_for_two_adapters_each_get_their_single_request_output(
    service: Service, url: str
) -> None:
    count = 8
    with httpx.Client(base_url=url, timeout=120) as client:
        alone = []
        for i in range(count):
            response = client.post("/v1/audio/speech", json=speech_body(i))
            assert response.status_code == 200, response.text
            alone.append(response.content)
        transcripts = [
            client.post(
                "/v1/audio/transcriptions",
                files={"file": ("a.wav", wav_bytes(i), "audio/wav")},
                data={"model": ["stt:en-digits", "stt:de-digits"][i % 2]},
            ).json()["text"]
            for i in range(4)
        ]
    assert len(set(alone)) == count  # every request asks for something different
    switches_before = metric(url, 'voxtune_adapter_switches_total{model="tts"}')

    gate = threading.Event()
    service.worker.run(lambda: gate.wait(60))  # hold the model until every request is queued

    def one(i: int) -> bytes:
        with httpx.Client(base_url=url, timeout=120) as client:
            response = client.post("/v1/audio/speech", json=speech_body(i))
            assert response.status_code == 200, response.text
            return response.content

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(one, i) for i in range(count)]
        deadline = time.monotonic() + 30
        while service.worker.pending < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert service.worker.pending == count  # all in flight together, in whatever order they came
        gate.set()
        together = [f.result() for f in futures]
    assert together == alone
    assert metric(url, 'voxtune_adapter_switches_total{model="tts"}') > switches_before

    async def many() -> tuple[list[bytes], list[str]]:
        async with httpx.AsyncClient(base_url=url, timeout=120) as client:
            speech = [client.post("/v1/audio/speech", json=speech_body(i)) for i in reversed(range(count))]
            stt = [
                client.post(
                    "/v1/audio/transcriptions",
                    files={"file": ("a.wav", wav_bytes(i), "audio/wav")},
                    data={"model": ["stt:en-digits", "stt:de-digits"][i % 2]},
                )
                for i in range(4)
            ]
            responses = await asyncio.gather(*speech, *stt)
        assert all(r.status_code == 200 for r in responses)
        return [r.content for r in responses[:count]], [r.json()["text"] for r in responses[count:]]

    speech_async, texts_async = asyncio.run(many())
    assert speech_async == list(reversed(alone)) and texts_async == transcripts


@pytest.fixture
def strict(serve_models: ServeModels) -> Iterator[tuple[Service, str]]:
    data = config_data(serve_models, limits={"request_timeout_s": 3.0, "max_queue": 1})
    service = start_service(serve_config(data))
    with background_server(service) as base:
        yield service, base
    service.close()


def test_full_queue_timeouts_and_departed_clients_are_clear_and_leave_no_trace(
    strict: tuple[Service, str],
) -> None:
    service, url = strict
    body = speech_body(0)
    httpx.post(f"{url}/v1/audio/speech", json=speech_body(1), timeout=60)  # warm up the model
    expected = httpx.post(f"{url}/v1/audio/speech", json=body, timeout=60).content
    generations = metric(url, 'voxtune_generations_total{adapter="nb",model="tts"}')

    gate = threading.Event()
    service.worker.run(lambda: gate.wait(30))  # the model is busy with something long
    results: dict[str, httpx.Response] = {}

    def waiting(name: str) -> None:
        results[name] = httpx.post(f"{url}/v1/audio/speech", json=body, timeout=60)

    threads = [threading.Thread(target=waiting, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while service.worker.pending < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    busy = httpx.post(f"{url}/v1/audio/speech", json=body, timeout=60)  # one running + one queued: full
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert busy.json()["error"]["code"] == "server_busy"
    for thread in threads:
        thread.join(30)
    for name in ("first", "second"):  # nothing ran within 3 s: 504, and their jobs were dropped unrun
        assert results[name].status_code == 504 and results[name].json()["error"]["code"] == "timeout"
    assert service.worker.pending == 0

    with pytest.raises(httpx.ReadTimeout):  # a client that gives up while its request waits
        httpx.post(f"{url}/v1/audio/speech", json=body, timeout=0.5)
    deadline = time.monotonic() + 10
    while metric(url, 'voxtune_dropped_total{reason="client_gone"}') < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert metric(url, 'voxtune_dropped_total{reason="client_gone"}') == 1
    assert metric(url, 'voxtune_dropped_total{reason="timeout"}') == 2
    assert metric(url, 'voxtune_dropped_total{reason="cancelled_in_queue"}') == 3

    gate.set()
    after = httpx.post(f"{url}/v1/audio/speech", json=body, timeout=60)
    assert after.status_code == 200 and after.content == expected  # healthy, nothing leaked
    assert metric(url, 'voxtune_generations_total{adapter="nb",model="tts"}') == generations + 1


def test_a_client_leaving_mid_stream_stops_generation(serve_models: ServeModels) -> None:
    data = config_data(serve_models)
    data["models"][0]["generation"] = {"max_seconds": 8.0, "seconds_per_character": 1.0}
    service = start_service(serve_config(data))
    body = {**speech_body(0), "stream": True}
    try:
        with background_server(service) as url:
            with (
                httpx.Client(base_url=url, timeout=60) as client,
                client.stream("POST", "/v1/audio/speech", json=body) as response,
            ):
                assert response.status_code == 200
                first = next(response.iter_raw())
                assert len(first) > 0
            deadline = time.monotonic() + 20
            while service.worker.pending and time.monotonic() < deadline:
                time.sleep(0.05)
            assert metric(url, 'voxtune_dropped_total{reason="stopped_mid_stream"}') == 1
            assert service.worker.pending == 0
            whole = httpx.post(f"{url}/v1/audio/speech", json={**body, "stream": False}, timeout=60)
            assert whole.status_code == 200 and len(whole.content) > 4 * len(first)  # it had far more to say
    finally:
        service.close()
