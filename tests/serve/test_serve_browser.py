"""The web page end to end in headless Chromium: pick an adapter and voice, hear the speech; upload or
record audio and read its transcript; give an API key when the server asks for one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from support.browser import wait_until
from support.serving import ServeModels, config_data
from voxtune.serve.config import serve_config
from voxtune.serve.server import background_server
from voxtune.serve.service import Service, start_service

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def url(service: Service) -> Iterator[str]:
    with background_server(service) as base:
        yield base


def section_state(driver: Any, section: str) -> str:
    return driver.find_element("id", section).get_attribute("data-state")


def choose(driver: Any, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


def speech_file(folder: Path) -> Path:
    rate = 48000
    t = np.arange(int(1.5 * rate)) / rate
    audio = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t)) / 2).astype(np.float32)
    path = folder / "speech.wav"
    sf.write(str(path), audio, rate, subtype="PCM_16")
    return path


def test_speak_and_transcribe_from_the_page(chromium: Any, url: str, tmp_path: Path) -> None:
    clip = speech_file(tmp_path)
    driver = chromium(fake_audio=clip)
    driver.get(url)
    wait_until(
        lambda: driver.find_element("tag name", "body").get_attribute("data-state") == "ready", 20, "models"
    )

    choose(driver, "speak-model", "tts:sv")
    voices = [o.get_attribute("value") for o in driver.find_elements("css selector", "#speak-voice option")]
    assert voices == ["default", "sv_f"]
    choose(driver, "speak-voice", "sv_f")
    driver.find_element("id", "speak-text").send_keys("one two three")
    driver.find_element("id", "speak-go").click()
    wait_until(lambda: section_state(driver, "speak") in ("done", "error"), 60, "speech")
    assert section_state(driver, "speak") == "done", driver.find_element("id", "speak-status").text
    audio = driver.find_element("id", "speak-audio")
    assert audio.get_attribute("src").startswith("blob:") and audio.get_attribute("data-model") == "tts:sv"
    direct = httpx.post(
        f"{url}/v1/audio/speech",
        json={
            "model": "tts:sv",
            "voice": "sv_f",
            "input": "one two three",
            "response_format": "wav",
            "speed": 1,
        },
        timeout=60,
    )
    assert int(audio.get_attribute("data-bytes")) == len(direct.content)
    duration = wait_until(
        lambda: driver.execute_script("const a = document.getElementById('speak-audio'); return a.duration;"),
        10,
        "the audio to load",
    )
    assert abs(duration - (len(direct.content) - 44) / 2 / 24000) < 0.05

    choose(driver, "speak-model", "tts")
    choose(driver, "speak-language", "nb")
    driver.find_element("id", "speak-text").clear()
    driver.find_element("id", "speak-go").click()
    wait_until(lambda: section_state(driver, "speak") == "error", 10, "the empty-text error")
    assert "Type something" in driver.find_element("id", "speak-status").text

    choose(driver, "stt-model", "stt:en-digits")
    driver.find_element("id", "stt-file").send_keys(str(clip))
    driver.find_element("id", "stt-go").click()
    wait_until(lambda: section_state(driver, "transcribe") in ("done", "error"), 60, "transcription")
    assert section_state(driver, "transcribe") == "done", driver.find_element("id", "stt-status").text
    with clip.open("rb") as file:
        expected = httpx.post(
            f"{url}/v1/audio/transcriptions",
            files={"file": ("speech.wav", file, "audio/wav")},
            data={"model": "stt:en-digits"},
            timeout=60,
        ).json()["text"]
    assert driver.find_element("id", "transcript").text == expected
    assert driver.find_element("id", "words").text.startswith(expected.split()[0])

    driver.find_element("id", "stt-record").click()
    wait_until(lambda: section_state(driver, "transcribe") == "recording", 10, "recording to start")
    time.sleep(1.2)
    driver.find_element("id", "stt-record").click()
    wait_until(lambda: section_state(driver, "transcribe") in ("recorded", "error"), 20, "the recording")
    status = driver.find_element("id", "stt-status").text
    assert section_state(driver, "transcribe") == "recorded", status
    seconds = float(status.split()[1])
    assert 0.8 < seconds < 3.0
    driver.find_element("id", "stt-go").click()
    wait_until(lambda: section_state(driver, "transcribe") in ("done", "error"), 60, "transcription")
    assert section_state(driver, "transcribe") == "done", driver.find_element("id", "stt-status").text
    assert f"Transcribed {seconds:.1f} s" in driver.find_element("id", "stt-status").text


def test_the_page_asks_for_the_api_key(chromium: Any, serve_models: ServeModels) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOXTUNE_PAGE_KEY", "page-key-123")
        service = start_service(
            serve_config(config_data(serve_models, auth={"api_key_env": "VOXTUNE_PAGE_KEY"}))
        )
    try:
        with background_server(service) as base:
            driver = chromium()
            driver.get(base)
            body = driver.find_element("tag name", "body")
            wait_until(lambda: body.get_attribute("data-state") == "needs-key", 20, "the key prompt")
            driver.find_element("id", "key").send_keys("wrong")
            driver.find_element("id", "use-key").click()
            wait_until(lambda: "refused" in driver.find_element("id", "load-status").text, 10, "the refusal")
            driver.find_element("id", "key").clear()
            driver.find_element("id", "key").send_keys("page-key-123")
            driver.find_element("id", "use-key").click()
            wait_until(lambda: body.get_attribute("data-state") == "ready", 20, "models with the key")
            choose(driver, "speak-model", "tts:nb")
            driver.find_element("id", "speak-text").send_keys("four")
            driver.find_element("id", "speak-go").click()
            wait_until(lambda: section_state(driver, "speak") == "done", 60, "speech with the key")
    finally:
        service.close()
