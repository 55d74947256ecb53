"""Running the app with uvicorn: in the foreground (``voxtune serve``) or in a background thread on a
free port of 127.0.0.1 (the demo, benchmarks, tests)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn

from voxtune.serve.app import create_app
from voxtune.serve.background import server_in_thread
from voxtune.serve.config import ServeConfig
from voxtune.serve.service import Service

KEEP_ALIVE_SECONDS = 5


def uvicorn_config(app: object, config: ServeConfig, *, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        limit_concurrency=config.limits.max_connections,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        server_header=False,
    )


def serve_forever(service: Service, *, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM), then shut the model worker down and return."""
    config = service.config
    server = uvicorn.Server(
        uvicorn_config(
            create_app(service), config, host=host or config.host, port=config.port if port is None else port
        )
    )
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises the signal it caught
        pass
    finally:
        service.close()


@contextlib.contextmanager
def background_server(service: Service, *, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve ``service`` on 127.0.0.1 (a free port) in a thread; yield its base URL, stop it after."""
    config = uvicorn_config(create_app(service), service.config, host="127.0.0.1", port=0)
    with server_in_thread(config, start_timeout=start_timeout) as url:
        yield url
