"""Listening-test sessions, trials and ratings in one SQLite file beside the report.

One connection per call (the web server answers from a thread pool); WAL journaling so a summary can be
read while listeners rate.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from voxtune.listen.trials import Trial

DB_FILE = "listening.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, listener TEXT NOT NULL, seed INTEGER NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS trials (
    session TEXT NOT NULL REFERENCES sessions(id), position INTEGER NOT NULL, kind TEXT NOT NULL,
    set_name TEXT NOT NULL, item TEXT NOT NULL, text TEXT,
    system_a TEXT NOT NULL, system_b TEXT, token_a TEXT NOT NULL UNIQUE, token_b TEXT UNIQUE,
    path_a TEXT NOT NULL, path_b TEXT,
    PRIMARY KEY (session, position)
);
CREATE TABLE IF NOT EXISTS ratings (
    session TEXT NOT NULL, position INTEGER NOT NULL, score INTEGER, choice TEXT, created REAL NOT NULL,
    PRIMARY KEY (session, position), FOREIGN KEY (session, position) REFERENCES trials(session, position)
);
"""


@dataclass(frozen=True)
class Rating:
    """One answer joined with its trial: who rated what, and how."""

    session: str
    listener: str
    position: int
    kind: str
    item: str
    system_a: str
    system_b: str | None
    score: int | None
    choice: str | None


class RatingStore:
    """The SQLite file of one listening test."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        with self._connect() as db:
            db.executescript(SCHEMA)
            db.execute("PRAGMA journal_mode=WAL")

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10.0)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def new_session(self, listener: str, trials: list[Trial], seed: int) -> str:
        session = secrets.token_urlsafe(9)
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions (id, listener, seed, created) VALUES (?, ?, ?, ?)",
                (session, listener, seed, time.time()),
            )
            db.executemany(
                "INSERT INTO trials VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        session,
                        t.position,
                        t.kind,
                        t.set,
                        t.item,
                        t.text,
                        t.systems[0],
                        t.systems[1] if len(t.systems) > 1 else None,
                        t.tokens[0],
                        t.tokens[1] if len(t.tokens) > 1 else None,
                        t.paths[0],
                        t.paths[1] if len(t.paths) > 1 else None,
                    )
                    for t in trials
                ],
            )
        return session

    def session_exists(self, session: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session,)).fetchone() is not None

    def trial(self, session: str, position: int) -> Trial | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT * FROM trials WHERE session = ? AND position = ?", (session, position)
            ).fetchone()
        if row is None:
            return None
        pairs = [(row["system_a"], row["token_a"], row["path_a"])]
        if row["system_b"] is not None:
            pairs.append((row["system_b"], row["token_b"], row["path_b"]))
        return Trial(
            position=row["position"],
            kind=row["kind"],
            set=row["set_name"],
            item=row["item"],
            text=row["text"],
            systems=tuple(p[0] for p in pairs),
            tokens=tuple(p[1] for p in pairs),
            paths=tuple(p[2] for p in pairs),
        )

    def progress(self, session: str) -> tuple[int, int | None]:
        """(number of trials, first unrated position or None when all are rated)."""
        with self._connect() as db:
            total = db.execute("SELECT COUNT(*) FROM trials WHERE session = ?", (session,)).fetchone()[0]
            row = db.execute(
                "SELECT MIN(t.position) FROM trials t LEFT JOIN ratings r "
                "ON r.session = t.session AND r.position = t.position "
                "WHERE t.session = ? AND r.position IS NULL",
                (session,),
            ).fetchone()
        return int(total), None if row[0] is None else int(row[0])

    def clip_path(self, token: str) -> str | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT CASE WHEN token_a = ? THEN path_a ELSE path_b END FROM trials "
                "WHERE token_a = ? OR token_b = ?",
                (token, token, token),
            ).fetchone()
        return None if row is None else str(row[0])

    def rate(
        self, session: str, position: int, *, score: int | None = None, choice: str | None = None
    ) -> None:
        """Store (or replace) the answer to one trial."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO ratings (session, position, score, choice, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (session, position, score, choice, time.time()),
            )

    def ratings(self) -> list[Rating]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT r.session, s.listener, r.position, t.kind, t.item, t.system_a, t.system_b, r.score, "
                "r.choice FROM ratings r JOIN trials t ON t.session = r.session AND t.position = r.position "
                "JOIN sessions s ON s.id = r.session ORDER BY r.session, r.position"
            ).fetchall()
        return [Rating(*row) for row in rows]
