"""The listening test's web app: one page (static/listen.html, plain HTML and JavaScript) and a small API.

The page asks for a listener name, then shows one trial at a time; clips are fetched by random token,
answers are posted per trial and stored at once (a reload resumes at the first unanswered trial).
"""

from __future__ import annotations

import secrets
import socket
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from voxtune.listen.store import DB_FILE, RatingStore
from voxtune.listen.summary import NO_PREFERENCE, summarise_ratings
from voxtune.listen.trials import ListeningDesign, SamplePool, design_trials, load_pool

HOST = "127.0.0.1"


class NewSession(BaseModel):
    listener: str = Field(..., min_length=1, max_length=80)


class Answer(BaseModel):
    score: int | None = Field(None, ge=1, le=5)
    choice: Literal["A", "B", "same"] | None = None


def page() -> str:
    return resources.files("voxtune.listen").joinpath("static/listen.html").read_text(encoding="utf-8")


def create_app(pool: SamplePool, store: RatingStore, design: ListeningDesign | None = None) -> FastAPI:
    """The app serving ``pool``'s blind trials and storing answers in ``store``."""
    design = design or ListeningDesign()
    app = FastAPI(title="voxtune listen", docs_url=None, redoc_url=None, openapi_url=None)
    html = page()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return html

    @app.get("/api/test")
    def about() -> dict[str, Any]:
        return {"name": pool.name}

    @app.post("/api/sessions")
    def new_session(body: NewSession) -> dict[str, Any]:
        seed = secrets.randbits(31)
        trials = design_trials(pool, design, seed)
        if not trials:
            raise HTTPException(409, "this report has no clips to rate with the chosen design")
        session = store.new_session(body.listener.strip(), trials, seed)
        return {"session": session, "total": len(trials)}

    @app.get("/api/sessions/{session}")
    def progress(session: str) -> dict[str, Any]:
        _known(store, session)
        total, next_position = store.progress(session)
        return {"session": session, "total": total, "next": next_position}

    @app.get("/api/sessions/{session}/trials/{position}")
    def trial(session: str, position: int) -> dict[str, Any]:
        _known(store, session)
        found = store.trial(session, position)
        if found is None:
            raise HTTPException(404, f"no trial {position} in this session")
        total, _ = store.progress(session)
        return found.public(total)

    @app.post("/api/sessions/{session}/trials/{position}")
    def answer(session: str, position: int, body: Answer) -> dict[str, Any]:
        _known(store, session)
        found = store.trial(session, position)
        if found is None:
            raise HTTPException(404, f"no trial {position} in this session")
        if found.kind == "mos" and (body.score is None or body.choice is not None):
            raise HTTPException(422, "a MOS trial takes a score from 1 to 5")
        if found.kind == "ab" and (body.choice is None or body.score is not None):
            raise HTTPException(422, f"an A/B trial takes a choice: A, B or {NO_PREFERENCE}")
        store.rate(session, position, score=body.score, choice=body.choice)
        total, next_position = store.progress(session)
        return {"total": total, "next": next_position}

    @app.get("/audio/{token}")
    def audio(token: str) -> FileResponse:
        path = store.clip_path(token)
        if path is None or not Path(path).is_file():
            raise HTTPException(404, "no such clip")
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    @app.get("/api/summary")
    def summary() -> dict[str, Any]:
        return summarise_ratings(store.ratings(), base=pool.base).to_dict()

    return app


def _known(store: RatingStore, session: str) -> None:
    if not store.session_exists(session):
        raise HTTPException(404, "unknown session: start again from the first page")


def open_test(report_dir: str | Path) -> tuple[SamplePool, RatingStore]:
    """The report's clips and its ratings database (``listening.sqlite`` beside ``samples.json``)."""
    pool = load_pool(report_dir)
    return pool, RatingStore(pool.folder / DB_FILE)


def bind_free_port(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: a free port chosen by the system)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(128)
    return sock


def serve(app: FastAPI, sock: socket.socket) -> None:
    """Run ``app`` on ``sock`` until interrupted (Ctrl+C)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
