"""A uvicorn server in a background thread on a free port of 127.0.0.1, for as long as a ``with`` block
runs (the demo, benchmarks, and the browser tests of every page voxtune serves)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn


@contextlib.contextmanager
def server_in_thread(config: uvicorn.Config, *, start_timeout: float = 30.0) -> Iterator[str]:
    """Run ``config``'s app (give it port 0 for a free port) in a thread; yield its base URL
    (``http://127.0.0.1:PORT``) once it accepts connections, and stop it after."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="voxtune-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server did not start within {start_timeout:.0f} s")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
