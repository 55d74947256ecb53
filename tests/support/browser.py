"""Headless Chromium driven by selenium, with a fake microphone, for tests of voxtune's web pages.

Use the ``chromium`` fixture (import it into the test module): ``chromium(fake_audio=wav)`` opens a
browser whose microphone plays ``wav``; ``microphone="denied"`` refuses microphone access as a user
would, ``microphone="absent"`` leaves the machine without one. Every browser opened is closed after
the test. Tests skip, saying why, where Chromium, chromedriver or selenium is missing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
PAGE_LOAD_TIMEOUT = 20.0
COMMON_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
)

Microphone = Literal["fake", "denied", "absent"]


def chromium_binaries() -> tuple[str, str] | str:
    """(chromium, chromedriver) paths, or the reason the browser tests cannot run here."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    browser = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = ", ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if p is None)
        return (
            f"headless browser tests need Chromium and chromedriver (missing: {missing}; "
            "on Debian: apt-get install chromium chromium-driver)"
        )
    return browser, driver


def chromium_flags(profile: Path, microphone: Microphone, fake_audio: Path | None) -> list[str]:
    flags = [*COMMON_FLAGS, f"--user-data-dir={profile}"]
    if microphone == "fake":
        flags += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
        if fake_audio is not None:
            flags.append(f"--use-file-for-fake-audio-capture={fake_audio}")
    elif microphone == "denied":
        flags += ["--use-fake-ui-for-media-stream=deny", "--use-fake-device-for-media-stream"]
    else:
        flags.append("--use-fake-ui-for-media-stream")
    return flags


@pytest.fixture
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Any]]:
    """A factory opening headless Chromium browsers (selenium WebDrivers), all closed after the test."""
    found = chromium_binaries()
    if isinstance(found, str):
        pytest.skip(found)
    browser, driver_path = found
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opened: list[Any] = []

    def open_browser(*, microphone: Microphone = "fake", fake_audio: Path | None = None) -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in chromium_flags(tmp_path_factory.mktemp("chromium-profile"), microphone, fake_audio):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
        driver.set_script_timeout(PAGE_LOAD_TIMEOUT)
        opened.append(driver)
        return driver

    yield open_browser
    for driver in opened:
        driver.quit()


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, what: str = "the page") -> Any:
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
