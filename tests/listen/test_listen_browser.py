"""The listening page in headless Chromium: a listener plays every clip, answers every trial (with a
reload half way), and the ratings in SQLite and the summary are exactly what was clicked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.browser import wait_until
from support.listening import ADAPTER, BASE, REFERENCE
from support.live_server import live_server
from voxtune.evaluate.suite.summary import Bootstrap
from voxtune.listen import create_app, open_test, summarise_ratings

pytestmark = [pytest.mark.browser]


def state(driver: Any) -> str:
    return driver.find_element("tag name", "body").get_attribute("data-state")


def trial_or_done(driver: Any, number: int) -> Callable[[], bool]:
    """A condition: the page shows trial ``number`` (1-based), or has left the trials."""
    return lambda: (
        state(driver) != "trial" or driver.find_element("id", "position").text.startswith(f"{number} /")
    )


def answer_trial(driver: Any, step: int) -> tuple[str, dict[str, Any]]:
    """Play every clip of the trial on screen to its end, then answer: a score or a choice by ``step``."""
    kind = driver.find_element("tag name", "body").get_attribute("data-kind")
    next_button = driver.find_element("id", "next")
    assert not next_button.is_enabled()  # nothing may be answered unheard
    for audio in driver.find_elements("css selector", "#players audio"):
        driver.execute_script("arguments[0].playbackRate = 2; arguments[0].play();", audio)
    wait_until(
        lambda: (
            len(driver.find_elements("css selector", ".played")) > 0
            and all(m.text for m in driver.find_elements("css selector", ".played"))
        ),
        10,
        "every clip played to its end",
    )
    if kind == "mos":
        score = step % 5 + 1
        driver.find_element("id", f"score-{score}").click()
        given: dict[str, Any] = {"score": score}
    else:
        choice = ("A", "B", "same")[step % 3]
        driver.find_element("id", f"choose-{choice}").click()
        given = {"choice": choice}
    wait_until(next_button.is_enabled, 5, "the Next button")
    next_button.click()
    return kind, given


def test_a_listener_rates_every_trial_blind(chromium: Any, report_dir: Path) -> None:
    pool, store = open_test(report_dir)
    driver = chromium()
    answers: dict[int, dict[str, Any]] = {}
    with live_server(create_app(pool, store)) as url:
        driver.get(url)
        wait_until(lambda: state(driver) == "start", 10, "the start page")
        driver.find_element("id", "listener").send_keys("anna")
        driver.find_element("id", "begin").click()
        step = 0
        while True:
            wait_until(lambda: state(driver) in ("trial", "done", "error"), 10, "a trial")
            if state(driver) != "trial":
                break
            position, total = driver.find_element("id", "position").text.split(" / ")
            assert int(position) == step + 1 and int(total) == 8
            page = driver.page_source
            assert not any(name in page for name in (BASE, ADAPTER, REFERENCE)), "a system name leaked"
            _, given = answer_trial(driver, step)
            answers[step] = given
            step += 1
            wait_until(trial_or_done(driver, step + 1), 10, f"trial {step + 1}")
            if step == 3:  # a reload resumes at the first unanswered trial
                driver.refresh()
        assert state(driver) == "done", driver.find_element("id", "error-text").text
    assert len(answers) == 8

    ratings = store.ratings()
    assert {
        r.position: {"score": r.score} if r.kind == "mos" else {"choice": r.choice} for r in ratings
    } == answers
    assert {r.listener for r in ratings} == {"anna"}
    assert Counter(r.kind for r in ratings) == {"mos": 6, "ab": 2}
    assert sorted(r.system_a for r in ratings if r.kind == "mos") == sorted([BASE, ADAPTER, REFERENCE] * 2)

    summary = summarise_ratings(ratings, base=BASE, bootstrap=Bootstrap(resamples=1000))
    for system in (BASE, ADAPTER, REFERENCE):
        scores = [r.score for r in ratings if r.kind == "mos" and r.system_a == system]
        assert summary.mos[system].n == 2 and summary.mos[system].mean == sum(scores) / 2
    wins = losses = ties = 0
    for r in ratings:
        if r.kind != "ab":
            continue
        if r.choice == "same":
            ties += 1
        elif (r.system_a if r.choice == "A" else r.system_b) == ADAPTER:
            wins += 1
        else:
            losses += 1
    [preference] = summary.preferences
    assert (preference.system, preference.wins, preference.losses, preference.ties) == (
        ADAPTER,
        wins,
        losses,
        ties,
    )
