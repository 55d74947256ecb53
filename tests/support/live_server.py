"""Serve an ASGI app on 127.0.0.1 (a free port) in a background thread for the length of a test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn

from voxtune.serve.background import server_in_thread


@contextlib.contextmanager
def live_server(app: object, *, start_timeout: float = 10.0) -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:PORT``) of ``app`` running in a thread; stop it after."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    with server_in_thread(config, start_timeout=start_timeout) as url:
        yield url
