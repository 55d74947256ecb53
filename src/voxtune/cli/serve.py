"""`voxtune serve SERVE.yaml`: one base per model, adapters routed per request, OpenAI-style endpoints."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def serve(
    config: Path = typer.Argument(..., help="Serving YAML: models, their adapters, limits (see recipes/)."),
    host: str | None = typer.Option(None, help="Address to listen on (default: the config's, 127.0.0.1)."),
    port: int | None = typer.Option(None, min=0, max=65535, help="Port (default: the config's, 8000)."),
) -> None:
    """Serve speech and transcription over HTTP (OpenAI-compatible) with a web page at /."""
    from voxtune.serve.config import load_serve_config
    from voxtune.serve.server import serve_forever
    from voxtune.serve.service import start_service
    from voxtune.ui.console import console
    from voxtune.ui.serving import serve_notes, serve_table
    from voxtune.ui.training import quiet_transformers

    quiet_transformers()
    settings = load_serve_config(config)
    bind = host or settings.host
    with console.status("loading models"):
        service = start_service(settings)
    console.print(serve_table(service, f"http://{bind}:{settings.port if port is None else port}"))
    for note in serve_notes(service):
        console.print(f"[yellow]note[/] {note}")
    if not service.api_keys and bind not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]warning[/] listening on {bind} without API keys (set auth.api_key_env)")
    console.print("Ctrl+C stops the server.")
    serve_forever(service, host=bind, port=port)
    console.print("server stopped")
