"""The HTTP API: OpenAI-compatible audio endpoints, ``/synthesize``, models, health, metrics, the page.

    POST /v1/audio/speech           {model, input, voice, response_format, speed} (+ language, seed,
                                    stream) -> audio
    POST /v1/audio/transcriptions   multipart {file, model, language, response_format} -> json/text/
                                    verbose_json (word timestamps)
    POST /synthesize                {text, language, speaker, emotion} (+ model, format, seed, speed)
    GET  /v1/models, /health, /metrics (Prometheus), /  (the web page)

Every request is resolved to a route (base + adapter + speaker) before it is queued; what it names
must exist (422 listing the valid values otherwise). Routes only ever look names up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future
from importlib import resources
from typing import Any, TypeVar

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from voxtune import __version__
from voxtune.errors import ItemError, VoxtuneError
from voxtune.models.base import GenerationRequest, GenerationResult
from voxtune.serve.audio import (
    MEDIA_TYPES,
    STREAMABLE,
    change_speed,
    decode_upload,
    encode_audio,
    pcm16,
    wav_header,
)
from voxtune.serve.catalog import Route
from voxtune.serve.errors import ApiError, unknown_value
from voxtune.serve.guard import RequestGuard
from voxtune.serve.service import Service
from voxtune.serve.worker import GenerationStoppedError, QueueFullError

log = logging.getLogger("voxtune.serve")
ModelT = TypeVar("ModelT", bound=BaseModel)

TRANSCRIPTION_FORMATS = ("json", "text", "verbose_json")
MAX_FORM_FIELD_BYTES = 64 * 1024


class SpeechRequest(BaseModel):
    """OpenAI's ``/v1/audio/speech`` body, plus voxtune's ``language``, ``seed`` and ``stream``."""

    model_config = ConfigDict(extra="ignore")  # OpenAI clients send fields we do not use (instructions)

    model: str
    input: str
    voice: str | None = None
    response_format: str = "mp3"
    speed: float = 1.0
    language: str | None = None
    seed: int | None = None
    stream: bool = False


class SynthesizeRequest(BaseModel):
    """The ``/synthesize`` body: text with the language, speaker and emotion to say it in."""

    model_config = ConfigDict(extra="forbid")

    text: str
    language: str | None = None
    speaker: str | None = None
    emotion: str | None = None
    model: str | None = None
    format: str = "wav"
    speed: float = 1.0
    seed: int | None = None
    stream: bool = False


def create_app(service: Service) -> FastAPI:
    """The FastAPI app serving ``service`` (load it with ``start_service``)."""
    config = service.config
    limits = config.limits
    catalog = service.catalog
    app = FastAPI(title="voxtune serve", version=__version__, docs_url=None, redoc_url=None)
    app.add_middleware(
        RequestGuard,
        keys=service.api_keys,
        json_limit=int(limits.max_json_kb * 1024),
        upload_limit=int(limits.max_upload_mb * 2**20),
        metrics=service.metrics,
    )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path, exc_info=exc)
        body = {
            "error": {
                "message": f"the server failed on this request ({type(exc).__name__}); see its log",
                "type": "server_error",
                "param": None,
                "code": "internal_error",
            }
        }
        return JSONResponse(body, status_code=500)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        error = ApiError(404, "not_found", f"no endpoint {request.method} {request.url.path}")
        return JSONResponse(error.body(), status_code=404)

    @app.exception_handler(405)
    async def wrong_method(request: Request, exc: Exception) -> JSONResponse:
        error = ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}")
        return JSONResponse(error.body(), status_code=405)

    # -- information ------------------------------------------------------------------------------
    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "models": {name: base.model.task for name, base in service.bases.items()},
            "queue": service.worker.pending,
        }

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(service.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        data = [{"object": "model", "created": 0, "owned_by": "voxtune", **row} for row in catalog.describe()]
        return {"object": "list", "data": data}

    if config.page:
        page = resources.files("voxtune.serve").joinpath("static/index.html").read_text(encoding="utf-8")

        @app.get("/", response_class=HTMLResponse)
        async def index() -> str:
            return page

    # -- speech ------------------------------------------------------------------------------------
    @app.post("/v1/audio/speech")
    async def speech(request: Request) -> Response:
        body = await _json_body(request, SpeechRequest, limits.request_timeout_s)
        route = catalog.resolve(body.model, task="tts", language=body.language, voice=body.voice)
        return await _speak(
            request, route, body.input, "input", body.response_format, body.speed, body.seed, body.stream
        )

    @app.post("/synthesize")
    async def synthesize(request: Request) -> Response:
        body = await _json_body(request, SynthesizeRequest, limits.request_timeout_s)
        model = body.model
        if model is None:
            tts = [m.name for m in catalog.models.values() if m.task == "tts"]
            if len(tts) != 1:
                raise ApiError(
                    422,
                    "model_required",
                    "several models speak; name one",
                    param="model",
                    valid=catalog.ids("tts"),
                )
            model = tts[0]
        route = catalog.resolve(
            model, task="tts", language=body.language, voice=body.speaker, emotion=body.emotion
        )
        return await _speak(
            request, route, body.text, "text", body.format, body.speed, body.seed, body.stream
        )

    async def _speak(
        request: Request,
        route: Route,
        text: str,
        text_param: str,
        fmt: str,
        speed: float,
        seed: int | None,
        stream: bool,
    ) -> Response:
        text = text.strip()
        if not text:
            raise ApiError(422, "empty_input", "there is no text to speak", param=text_param)
        if len(text) > limits.max_input_chars:
            raise ApiError(
                422,
                "input_too_long",
                f"the text has {len(text)} characters; at most {limits.max_input_chars} are accepted",
                param=text_param,
            )
        if fmt not in MEDIA_TYPES:
            raise unknown_value("response_format", fmt, list(MEDIA_TYPES))
        if not 0.25 <= speed <= 4.0:
            raise ApiError(
                422, "invalid_speed", f"speed must be between 0.25 and 4.0, not {speed}", param="speed"
            )
        if stream and fmt not in STREAMABLE:
            raise unknown_value("response_format", fmt, list(STREAMABLE), what="format to stream")
        if stream and speed != 1.0:
            raise ApiError(
                422, "invalid_speed", "a streamed response is not sped up; leave speed at 1", param="speed"
            )
        generation = GenerationRequest(
            text=text, speaker=route.speaker, language=route.language, emotion=route.emotion
        )
        chosen_seed = config.seed if seed is None else seed
        headers = {"X-Voxtune-Model": route.id, "X-Voxtune-Seed": str(chosen_seed)}
        if stream:
            return await _stream_speech(request, route, generation, chosen_seed, fmt, headers)
        result = await _generate(request, route, generation, chosen_seed)
        if result.audio is None or result.sample_rate is None:
            raise ApiError(422, "no_audio", f"model '{route.id}' returned no audio for this text")
        rate = result.sample_rate
        audio = await run_in_threadpool(change_speed, result.audio, speed)
        data = await run_in_threadpool(encode_audio, audio, rate, fmt)
        service.metrics.audio_seconds.labels(route.model.name, "tts").inc(len(audio) / rate)
        headers |= {"X-Sample-Rate": str(rate), "X-Voxtune-Stopped": result.stopped}
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    async def _stream_speech(
        request: Request,
        route: Route,
        generation: GenerationRequest,
        seed: int,
        fmt: str,
        headers: dict[str, str],
    ) -> StreamingResponse:
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[np.ndarray | None] = asyncio.Queue()
        stop = {"now": False}

        def on_audio(audio: np.ndarray) -> None:
            if stop["now"]:
                raise GenerationStoppedError("the client went away")
            loop.call_soon_threadsafe(pieces.put_nowait, audio)

        try:
            future = service.worker.submit(route, generation, seed=seed, on_audio=on_audio)
        except QueueFullError as exc:
            raise _busy(exc) from None
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(pieces.put_nowait, None))
        rate = int(route_sample_rate(service, route))
        deadline = time.monotonic() + limits.request_timeout_s

        async def body() -> AsyncIterator[bytes]:
            sent = 0
            try:
                if fmt == "wav":
                    yield wav_header(rate, None)
                while True:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        service.metrics.dropped.labels("timeout").inc()
                        break
                    try:
                        piece = await asyncio.wait_for(pieces.get(), remaining)
                    except TimeoutError:
                        continue
                    if piece is None:
                        break
                    sent += len(piece)
                    yield pcm16(piece)
                _log_failure(future, route)
                service.metrics.audio_seconds.labels(route.model.name, "tts").inc(sent / rate)
            finally:
                stop["now"] = True
                future.cancel()

        headers |= {"X-Sample-Rate": str(rate)}
        return StreamingResponse(body(), media_type=MEDIA_TYPES[fmt], headers=headers)

    # -- transcription -----------------------------------------------------------------------------
    @app.post("/v1/audio/transcriptions")
    async def transcriptions(request: Request) -> Response:
        form = await _form(request, limits.request_timeout_s)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "missing_file", "send the audio as the multipart field 'file'", param="file")
        model = _field(form, "model")
        if not model:
            raise ApiError(
                422,
                "missing_model",
                "name the model to transcribe with",
                param="model",
                valid=catalog.ids("stt"),
            )
        fmt = _field(form, "response_format") or "json"
        if fmt not in TRANSCRIPTION_FORMATS:
            raise unknown_value("response_format", fmt, list(TRANSCRIPTION_FORMATS))
        granularities = form.getlist("timestamp_granularities[]") or form.getlist("timestamp_granularities")
        if any(g != "word" for g in granularities if isinstance(g, str)):
            raise unknown_value("timestamp_granularities", ",".join(map(str, granularities)), ["word"])
        route = catalog.resolve(model, task="stt", language=_field(form, "language") or None)
        data = await upload.read()
        audio = await run_in_threadpool(
            decode_upload, data, upload.filename or "", max_seconds=limits.max_audio_seconds
        )
        generation = GenerationRequest(
            audio=audio.audio, sample_rate=audio.sample_rate, language=route.language
        )
        result = await _generate(request, route, generation, config.seed)
        service.metrics.audio_seconds.labels(route.model.name, "stt").inc(audio.seconds)
        text = (result.text or "").strip()
        headers = {"X-Voxtune-Model": route.id}
        if fmt == "text":
            return PlainTextResponse(text, headers=headers)
        if fmt == "json":
            return JSONResponse({"text": text}, headers=headers)
        words = [
            {"word": w.symbol, "start": round(w.start, 3), "end": round(w.start + w.duration, 3)}
            for w in result.words or []
        ]
        verbose = {
            "task": "transcribe",
            "language": route.language or "",
            "duration": round(audio.seconds, 3),
            "text": text,
            "words": words,
        }
        return JSONResponse(verbose, headers=headers)

    # -- running a request on the model worker -----------------------------------------------------
    async def _generate(
        request: Request, route: Route, generation: GenerationRequest, seed: int
    ) -> GenerationResult:
        try:
            future = service.worker.submit(route, generation, seed=seed)
        except QueueFullError as exc:
            raise _busy(exc) from None
        waiting = asyncio.wrap_future(future)
        gone = asyncio.ensure_future(_client_gone(request))
        try:
            done, _ = await asyncio.wait(
                {waiting, gone}, timeout=limits.request_timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            gone.cancel()
        if waiting in done:
            try:
                return waiting.result()
            except ItemError as exc:
                raise ApiError(422, exc.code, exc.reason) from None
            except VoxtuneError as exc:
                raise ApiError(422, "invalid_request", str(exc)) from None
        waiting.cancel()  # a queued request is dropped unrun; a running one finishes unheard
        if gone in done:
            service.metrics.dropped.labels("client_gone").inc()
            raise ApiError(499, "client_closed_request", "the client went away")
        service.metrics.dropped.labels("timeout").inc()
        raise ApiError(
            504,
            "timeout",
            f"the request did not finish within {limits.request_timeout_s:g} s",
            headers={"Retry-After": "5"},
        )

    return app


def route_sample_rate(service: Service, route: Route) -> int:
    """The sample rate of the audio ``route`` generates."""
    rate = service.bases[route.model.name].loaded.sample_rate
    if rate is None:
        raise ApiError(422, "no_audio", f"model '{route.id}' does not generate audio")
    return rate


def _busy(exc: QueueFullError) -> ApiError:
    return ApiError(
        503, "server_busy", f"the server is busy ({exc}); try again shortly", headers={"Retry-After": "1"}
    )


def _log_failure(future: Future[GenerationResult], route: Route) -> None:
    if future.done() and not future.cancelled():
        error = future.exception()
        if error is not None and not isinstance(error, GenerationStoppedError):
            log.warning("streaming %s stopped: %s", route.id, error)


async def _client_gone(request: Request) -> None:
    """Return once the client has closed the connection (the body must have been read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def _json_body(request: Request, model: type[ModelT], timeout: float) -> ModelT:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send the request as application/json, not {content_type or 'no content type'}",
        )
    raw = await _within(request.body(), timeout)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON ({exc})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        param = ".".join(str(p) for p in first["loc"]) or None
        raise ApiError(422, "invalid_request", f"{param or 'body'}: {first['msg']}", param=param) from None


async def _form(request: Request, timeout: float):  # -> FormData
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise ApiError(
            415,
            "unsupported_media_type",
            f"upload the audio as multipart/form-data, not {content_type or 'no content type'}",
        )
    try:
        return await _within(
            request.form(max_files=1, max_fields=16, max_part_size=MAX_FORM_FIELD_BYTES), timeout
        )
    except ApiError:
        raise
    except Exception as exc:  # starlette's HTTPException(400) for malformed multipart
        detail = getattr(exc, "detail", None) or str(exc)
        raise ApiError(400, "invalid_multipart", f"the multipart body cannot be read: {detail}") from None


async def _within(awaitable: Any, timeout: float) -> Any:
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except TimeoutError:
        raise ApiError(
            408, "request_timeout", f"the request body did not arrive within {timeout:g} s"
        ) from None


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
