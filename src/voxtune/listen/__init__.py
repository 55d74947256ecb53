"""Blind listening tests over an evaluation's samples (``voxtune listen eval/NAME``).

``trials`` builds randomised MOS and A/B trials from ``samples.json``, ``store`` keeps sessions and
ratings in SQLite, ``summary`` turns ratings into MOS and preferences with intervals, ``server`` is the
FastAPI app and its page (``static/listen.html``).
"""

from __future__ import annotations

from voxtune.listen.server import bind_free_port, create_app, open_test, serve
from voxtune.listen.store import RatingStore
from voxtune.listen.summary import ListeningSummary, summarise_ratings
from voxtune.listen.trials import ListeningDesign, load_pool

__all__ = [
    "ListeningDesign",
    "ListeningSummary",
    "RatingStore",
    "bind_free_port",
    "create_app",
    "load_pool",
    "open_test",
    "serve",
    "summarise_ratings",
]
