"""Listening-test trials, storage and summaries: blind, randomised, complete, and counted right."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from support.listening import ADAPTER, BASE, REFERENCE
from voxtune.errors import InputError
from voxtune.evaluate.suite.summary import Bootstrap
from voxtune.listen import ListeningDesign, RatingStore, create_app, load_pool, summarise_ratings
from voxtune.listen.store import Rating
from voxtune.listen.trials import design_trials


def test_every_clip_is_rated_and_every_adapter_meets_the_base(report_dir: Path) -> None:
    pool = load_pool(report_dir)
    trials = design_trials(pool, ListeningDesign(), seed=1)
    kinds = Counter(t.kind for t in trials)
    assert kinds == {"mos": 6, "ab": 2}
    assert sorted(t.systems[0] for t in trials if t.kind == "mos") == sorted([BASE, ADAPTER, REFERENCE] * 2)
    assert all(set(t.systems) == {BASE, ADAPTER} for t in trials if t.kind == "ab")
    assert [t.position for t in trials] == list(range(8))
    assert len({token for t in trials for token in t.tokens}) == 10  # one token per clip shown


def test_order_and_sides_are_random_per_session(report_dir: Path) -> None:
    pool = load_pool(report_dir)
    orders = {
        tuple((t.kind, t.item, t.systems) for t in design_trials(pool, ListeningDesign(), s))
        for s in range(20)
    }
    assert len(orders) > 10
    firsts = Counter(
        t.systems[0] for s in range(40) for t in design_trials(pool, ListeningDesign(), s) if t.kind == "ab"
    )
    assert firsts[BASE] > 15 and firsts[ADAPTER] > 15  # the base is A about half of the time


def test_design_caps_and_anchor(report_dir: Path) -> None:
    pool = load_pool(report_dir)
    capped = design_trials(pool, ListeningDesign(mos=2, ab=1, reference_in_mos=False), seed=0)
    assert Counter(t.kind for t in capped) == {"mos": 2, "ab": 1}
    assert REFERENCE not in {s for t in capped for s in t.systems}


def test_a_folder_without_samples_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an evaluation folder"):
        load_pool(tmp_path)


def rating(
    kind: str, a: str, b: str | None = None, score: int | None = None, choice: str | None = None
) -> Rating:
    return Rating("s1", "anna", 0, kind, "x", a, b, score, choice)


def test_summary_known_answers() -> None:
    ratings = [
        rating("mos", BASE, score=2),
        rating("mos", BASE, score=4),
        rating("mos", ADAPTER, score=5),
        rating("ab", BASE, ADAPTER, choice="B"),  # adapter wins
        rating("ab", ADAPTER, BASE, choice="A"),  # adapter wins
        rating("ab", ADAPTER, BASE, choice="B"),  # base wins
        rating("ab", BASE, ADAPTER, choice="same"),
    ]
    summary = summarise_ratings(ratings, base=BASE, bootstrap=Bootstrap(resamples=1000))
    assert summary.mos[BASE].mean == 3.0 and summary.mos[BASE].n == 2
    assert summary.mos[BASE].low == 2.0 and summary.mos[BASE].high == 4.0
    assert summary.mos[ADAPTER].mean == 5.0 and summary.mos[ADAPTER].low is None
    [pref] = summary.preferences
    assert (pref.system, pref.other, pref.wins, pref.losses, pref.ties) == (ADAPTER, BASE, 2, 1, 1)
    assert pref.share == pytest.approx(2 / 3)
    # Wilson 95% interval for 2 of 3, by its formula
    z, n, p = 1.959963984540054, 3, 2 / 3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    assert pref.low == pytest.approx(centre - half) and pref.high == pytest.approx(centre + half)
    assert summary.listeners == 1 and summary.ratings == 7


def test_api_keeps_systems_hidden_and_checks_answers(report_dir: Path, tmp_path: Path) -> None:
    pool = load_pool(report_dir)
    store = RatingStore(tmp_path / "ratings.sqlite")
    client = TestClient(create_app(pool, store))
    assert client.post("/api/sessions", json={"listener": ""}).status_code == 422
    session = client.post("/api/sessions", json={"listener": "anna"}).json()["session"]
    total = client.get(f"/api/sessions/{session}").json()["total"]
    seen = []
    for position in range(total):
        trial = client.get(f"/api/sessions/{session}/trials/{position}").json()
        seen.append(trial)
        for url in trial["clips"]:
            clip = client.get(url)
            assert clip.status_code == 200 and clip.content[:4] == b"RIFF"
        wrong = {"choice": "A"} if trial["kind"] == "mos" else {"score": 3}
        assert client.post(f"/api/sessions/{session}/trials/{position}", json=wrong).status_code == 422
        right = {"score": 3} if trial["kind"] == "mos" else {"choice": "same"}
        reply = client.post(f"/api/sessions/{session}/trials/{position}", json=right).json()
        assert reply["next"] == (position + 1 if position + 1 < total else None)
    text = repr(seen)
    assert not any(name in text for name in (BASE, ADAPTER, REFERENCE))
    assert client.get("/audio/not-a-token").status_code == 404
    assert client.get("/api/sessions/nope").status_code == 404
    assert len(store.ratings()) == total
    assert client.get("/api/summary").json()["ratings"] == total


def test_listen_summary_from_the_cli(report_dir: Path) -> None:
    from typer.testing import CliRunner

    from voxtune.cli import app
    from voxtune.listen import open_test

    pool, store = open_test(report_dir)
    trials = design_trials(pool, ListeningDesign(), seed=3)
    session = store.new_session("ben", trials, 3)
    for trial in trials:
        if trial.kind == "mos":
            store.rate(session, trial.position, score=4)
        else:
            store.rate(session, trial.position, choice="A" if trial.systems[0] == ADAPTER else "B")
    result = CliRunner().invoke(app, ["listen", str(report_dir), "--summary"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "MOS · 1 listeners, 8 answers" in result.output
    assert f"│ {ADAPTER} │ {BASE}" in result.output and "100%" in result.output  # the adapter won both


def test_the_server_binds_loopback_only() -> None:
    from voxtune.listen import bind_free_port

    sock = bind_free_port()
    try:
        host, port = sock.getsockname()[:2]
        assert host == "127.0.0.1" and port > 0
    finally:
        sock.close()
