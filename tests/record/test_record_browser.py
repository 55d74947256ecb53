"""The recording page in headless Chromium with a fake microphone: record, skip, redo, refuse, ingest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
import soxr

from support.browser import wait_until
from support.live_server import live_server
from voxtune.corpus import Corpus, fields
from voxtune.corpus.manifest import read_jsonl
from voxtune.prepare import load_recipe, run_recipe
from voxtune.prompts import digit_prompts
from voxtune.record import RecordingStudio, create_app
from voxtune.synth.espeak import Voice, synthesise

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAPTURE_RATE = 48000


def capture_file(folder: Path, speech: bool = True) -> Path:
    """A WAV for Chromium's fake microphone (it loops it): continuous speech, or digital silence."""
    if speech:
        said = synthesise("four one seven zero nine three eight two six five", Voice("en", "m3", rate=200))
        audio = soxr.resample(said.audio, said.sample_rate, CAPTURE_RATE).astype(np.float32)
    else:
        audio = np.zeros(3 * CAPTURE_RATE, dtype=np.float32)
    path = folder / ("speech.wav" if speech else "silence.wav")
    sf.write(str(path), audio, CAPTURE_RATE, subtype="PCM_16")
    return path


def state(driver: Any) -> str:
    return driver.find_element("tag name", "body").get_attribute("data-state")


def press(driver: Any, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def wait_state(driver: Any, *wanted: str, timeout: float = 20.0) -> str:
    return wait_until(lambda: state(driver) in wanted and state(driver), timeout, f"page state {wanted}")


def text_of(driver: Any, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def record_take(driver: Any, seconds: float) -> str:
    """Start with Space, speak for ``seconds``, stop with Space; return the state the page ends in."""
    press(driver, " ")
    wait_state(driver, "recording")
    time.sleep(seconds)
    press(driver, " ")
    return wait_state(driver, "saved", "rejected", "error")


def test_record_skip_and_redo_then_prepare_ingests(chromium: Any, tmp_path: Path) -> None:
    prompts = digit_prompts("en", 3)
    studio = RecordingStudio(prompts, tmp_path / "recordings", "anna", "s1")
    driver = chromium(fake_audio=capture_file(tmp_path))
    with live_server(create_app(studio)) as url:
        driver.get(url)
        wait_state(driver, "ready")
        assert text_of(driver, "prompt") == prompts[0].text
        assert prompts[0].spoken in text_of(driver, "spoken")
        assert text_of(driver, "position") == "1 / 3"

        assert record_take(driver, 1.2) == "saved", text_of(driver, "message")
        press(driver, "\ue007")  # Enter: next prompt
        wait_until(lambda: text_of(driver, "prompt") == prompts[1].text, 5, "the second prompt")
        press(driver, "s")  # skip it
        wait_until(lambda: text_of(driver, "prompt") == prompts[2].text, 5, "the third prompt")
        assert record_take(driver, 0.6) == "saved", text_of(driver, "message")
        first_take = sf.info(str(studio.audio_path(prompts[2].id))).duration
        press(driver, " ")  # Space does not overwrite a saved take by accident
        wait_until(lambda: "Already recorded" in text_of(driver, "message"), 5, "the overwrite warning")
        assert state(driver) == "saved"
        press(driver, "r")  # record the third prompt again, longer
        wait_state(driver, "recording")
        time.sleep(1.6)
        press(driver, "r")
        assert wait_state(driver, "saved", "rejected", "error") == "saved"
        assert "2 of 3 recorded" in text_of(driver, "done-count")

    rows = list(read_jsonl(studio.manifest_path))
    assert [row["prompt_id"] for row in rows] == [prompts[0].id, prompts[2].id]
    redone = sf.info(str(studio.audio_path(prompts[2].id))).duration
    assert redone > first_take + 0.5
    for prompt in (prompts[0], prompts[2]):
        audio, rate = sf.read(str(studio.audio_path(prompt.id)), dtype="float32")
        assert rate == 24000 and audio.ndim == 1
        assert np.sqrt(np.mean(audio**2)) > 0.01  # the fake microphone's speech came through
    assert not studio.audio_path(prompts[1].id).exists()

    run_recipe(load_recipe(studio.folder / "recipe.yaml"), tmp_path / "corpus")
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    assert sorted(cuts) == sorted(f"anna_s1_{p.id}" for p in (prompts[0], prompts[2]))
    supervision = cuts[f"anna_s1_{prompts[0].id}"].supervisions[0]
    assert supervision.text == prompts[0].spoken
    assert supervision.custom[fields.TEXT_ORIGINAL] == prompts[0].text
    assert (supervision.speaker, supervision.custom["session"]) == ("anna", "s1")
    assert cuts[f"anna_s1_{prompts[0].id}"].duration == pytest.approx(1.2, abs=0.6)


def test_a_silent_microphone_gives_no_file(chromium: Any, tmp_path: Path) -> None:
    studio = RecordingStudio(digit_prompts("en", 1), tmp_path / "recordings", "anna", "s1")
    driver = chromium(fake_audio=capture_file(tmp_path, speech=False))
    with live_server(create_app(studio)) as url:
        driver.get(url)
        wait_state(driver, "ready")
        assert record_take(driver, 0.8) == "rejected"
        assert "Not saved" in text_of(driver, "message") and "silent" in text_of(driver, "message")
    assert not studio.manifest_path.exists()
    assert list(studio.folder.rglob("*.wav")) == []


@pytest.mark.parametrize(
    ("microphone", "expected"),
    [("denied", "Microphone access is blocked"), ("absent", "No microphone was found")],
)
def test_microphone_denied_or_absent_says_so(
    chromium: Any, tmp_path: Path, microphone: str, expected: str
) -> None:
    studio = RecordingStudio(digit_prompts("en", 2), tmp_path / "recordings", "anna", "s1")
    driver = chromium(microphone=microphone)
    with live_server(create_app(studio)) as url:
        driver.get(url)
        wait_state(driver, "no-microphone")
        assert expected in text_of(driver, "mic-error")
        assert driver.find_element("id", "mic-error").is_displayed()
        press(driver, " ")
        assert state(driver) == "no-microphone"
    assert not studio.manifest_path.exists()
