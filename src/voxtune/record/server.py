"""The recording studio's web app: one page, the session's prompts, and an upload endpoint per take.

The page (static/studio.html, plain HTML and JavaScript) records with the browser's MediaRecorder
and PUTs each take as it is stopped; the server converts and checks it (see takes.py).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from voxtune.errors import ItemError
from voxtune.record.studio import RecordingStudio

MAX_TAKE_BYTES = 64 * 1024 * 1024
"""About an hour of Opus: anything larger is not a single prompt."""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def studio_page() -> str:
    return resources.files("voxtune.record").joinpath("static/studio.html").read_text(encoding="utf-8")


def create_app(studio: RecordingStudio) -> FastAPI:
    """A FastAPI app serving the studio page and the take API for ``studio``."""
    app = FastAPI(title="voxtune record", docs_url=None, redoc_url=None, openapi_url=None)
    page = studio_page()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page

    @app.get("/api/session")
    def session() -> dict[str, Any]:
        return studio.state()

    @app.put("/api/takes/{prompt_id}")
    async def put_take(prompt_id: str, request: Request) -> JSONResponse:
        _known(studio, prompt_id)
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_TAKE_BYTES:
            raise HTTPException(413, f"a take may be at most {MAX_TAKE_BYTES // 2**20} MiB")
        data = await request.body()
        try:
            take = await run_in_threadpool(studio.save_take, prompt_id, data)
        except ItemError as exc:
            return JSONResponse({"saved": False, "code": exc.code, "reason": exc.reason}, status_code=422)
        return JSONResponse(
            {
                "saved": True,
                "id": prompt_id,
                "seconds": round(take.seconds, 3),
                "level_dbfs": round(take.level_dbfs, 1),
                "path": str(take.path.relative_to(studio.folder)),
            }
        )

    @app.get("/api/takes/{prompt_id}")
    def get_take(prompt_id: str) -> FileResponse:
        _known(studio, prompt_id)
        path = studio.audio_path(prompt_id)
        if prompt_id not in studio.recorded() or not path.is_file():
            raise HTTPException(404, "no saved take of this prompt yet")
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    return app


def _known(studio: RecordingStudio, prompt_id: str) -> None:
    if prompt_id not in studio.prompts:
        raise HTTPException(404, f"no prompt with id '{prompt_id}' in this session")


def serve(studio: RecordingStudio, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run the studio until interrupted (Ctrl+C)."""
    import uvicorn

    uvicorn.run(create_app(studio), host=host, port=port, log_level="warning")
