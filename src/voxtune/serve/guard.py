"""The ASGI layer in front of every route: API keys, body-size limits, and per-request metrics.

It runs before a route reads anything, so a request without a valid key, or announcing a body larger
than its route accepts, is refused without its body being read; a body that turns out larger than
announced (or is sent chunked) is cut off at the limit.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from voxtune.serve.errors import ApiError
from voxtune.serve.metrics import ServeMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = frozenset({"/", "/health", "/favicon.ico"})
UPLOAD_PATHS = frozenset({"/v1/audio/transcriptions"})
KNOWN_PATHS = frozenset(
    {"/", "/health", "/metrics", "/v1/models", "/v1/audio/speech", "/v1/audio/transcriptions", "/synthesize"}
)
MULTIPART_OVERHEAD = 64 * 1024
"""Bytes a multipart body may hold beyond the file itself (boundaries and the other fields)."""


class BodyTooLargeError(ApiError):
    def __init__(self, limit: int):
        super().__init__(
            413,
            "body_too_large",
            f"the request body is larger than the {_size(limit)} this endpoint accepts",
        )


def key_matches(given: bytes, keys: tuple[bytes, ...]) -> bool:
    """Whether ``given`` is one of ``keys``, comparing against every key in constant time (no early
    exit, so timing tells nothing about which key, or how much of one, matched)."""
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key)
    return matched


def bearer_token(headers: list[tuple[bytes, bytes]]) -> bytes:
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer":
                return token.strip()
        elif name.lower() == b"x-api-key":
            return value.strip()
    return b""


class RequestGuard:
    """Pure ASGI middleware: authentication, body limits, request counting and timing."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: tuple[bytes, ...],
        json_limit: int,
        upload_limit: int,
        metrics: ServeMetrics,
    ):
        self.app = app
        self.keys = keys
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        endpoint = path if path in KNOWN_PATHS else "other"
        started = time.perf_counter()
        status = {"code": 500}

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            refusal = self._refusal(scope, path)
            if refusal is not None:
                await _send_error(counting_send, refusal)
                return
            limit = self.upload_limit + MULTIPART_OVERHEAD if path in UPLOAD_PATHS else self.json_limit
            await self.app(scope, _limited(receive, limit), counting_send)
        finally:
            self.metrics.requests.labels(endpoint, str(status["code"])).inc()
            self.metrics.request_seconds.labels(endpoint).observe(time.perf_counter() - started)

    def _refusal(self, scope: Scope, path: str) -> ApiError | None:
        headers = scope.get("headers", [])
        if self.keys and path not in PUBLIC_PATHS and not key_matches(bearer_token(headers), self.keys):
            return ApiError(
                401,
                "invalid_api_key",
                "a valid API key is required (Authorization: Bearer KEY)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        limit = self.upload_limit + MULTIPART_OVERHEAD if path in UPLOAD_PATHS else self.json_limit
        for name, value in headers:
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    return ApiError(400, "bad_content_length", "the Content-Length header is not a number")
                if declared > limit:
                    return BodyTooLargeError(limit)
        return None


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLargeError(limit)
        return message

    return limited_receive


async def _send_error(send: Send, error: ApiError) -> None:
    body = json.dumps(error.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    return f"{limit / 2**20:.1f} MiB" if limit >= 2**20 else f"{limit / 1024:.0f} KiB"
