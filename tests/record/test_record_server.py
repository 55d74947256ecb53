"""The studio's web app without a browser: session state, uploads, refusals, redo, and ingest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from support.opus import opus_upload
from voxtune.corpus import Corpus, fields
from voxtune.corpus.manifest import read_jsonl
from voxtune.errors import InputError
from voxtune.prepare import load_recipe, run_recipe
from voxtune.prompts import digit_prompts
from voxtune.record import RecordingStudio, create_app
from voxtune.synth.espeak import Voice, synthesise


@pytest.fixture
def studio(tmp_path: Path) -> RecordingStudio:
    return RecordingStudio(digit_prompts("en", 3), tmp_path / "recordings", "anna", "s1")


def speech_upload(tmp_path: Path, text: str = "one two three") -> bytes:
    said = synthesise(text, Voice("en", "f4"))
    return opus_upload(said.audio, said.sample_rate, tmp_path)


def test_session_lists_prompts_with_their_spoken_form(studio: RecordingStudio) -> None:
    client = TestClient(create_app(studio))
    page = client.get("/")
    assert page.status_code == 200 and "MediaRecorder" in page.text
    state = client.get("/api/session").json()
    assert (state["speaker"], state["session"]) == ("anna", "s1")
    first = state["prompts"][0]
    prompt = next(iter(studio.prompts.values()))
    assert (first["id"], first["text"], first["spoken"]) == (prompt.id, prompt.text, prompt.spoken)
    assert not any(p["recorded"] for p in state["prompts"])


def test_saved_takes_land_in_a_manifest_that_prepare_ingests(studio: RecordingStudio, tmp_path: Path) -> None:
    client = TestClient(create_app(studio))
    ids = list(studio.prompts)
    for prompt_id in (ids[0], ids[2]):
        answer = client.put(f"/api/takes/{prompt_id}", content=speech_upload(tmp_path))
        assert answer.status_code == 200 and answer.json()["saved"], answer.text
    rows = list(read_jsonl(studio.manifest_path))
    assert [row["prompt_id"] for row in rows] == [ids[0], ids[2]]
    assert rows[0]["path"] == f"audio/anna/s1/{ids[0]}.wav"
    assert client.get("/api/session").json()["prompts"][0]["recorded"] is True
    listened = client.get(f"/api/takes/{ids[0]}")
    assert listened.status_code == 200 and listened.content[:4] == b"RIFF"
    assert client.get(f"/api/takes/{ids[1]}").status_code == 404

    run_recipe(load_recipe(studio.folder / "recipe.yaml"), tmp_path / "corpus")
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    assert sorted(cuts) == sorted(f"anna_s1_{pid}" for pid in (ids[0], ids[2]))
    cut = cuts[f"anna_s1_{ids[0]}"]
    supervision = cut.supervisions[0]
    prompt = studio.prompts[ids[0]]
    assert (supervision.text, supervision.speaker, supervision.language) == (prompt.spoken, "anna", "en")
    assert supervision.custom[fields.TEXT_ORIGINAL] == prompt.text
    assert supervision.custom["session"] == "s1"
    assert cut.sampling_rate == 24000 and cut.num_channels == 1
    assert fields.SYNTHETIC not in cut.custom


def test_empty_and_broken_takes_are_refused_and_not_saved(studio: RecordingStudio, tmp_path: Path) -> None:
    client = TestClient(create_app(studio))
    prompt_id = next(iter(studio.prompts))
    silence = opus_upload(np.zeros(48000, dtype=np.float32), 48000, tmp_path)
    answer = client.put(f"/api/takes/{prompt_id}", content=silence)
    assert answer.status_code == 422
    assert answer.json()["code"] == "empty_recording" and "silent" in answer.json()["reason"]
    assert client.put(f"/api/takes/{prompt_id}", content=b"garbage" * 50).json()["code"] == "unreadable_audio"
    assert client.put("/api/takes/no-such-prompt", content=silence).status_code == 404
    assert not studio.manifest_path.exists()
    assert not studio.audio_path(prompt_id).exists()


def test_recording_again_replaces_the_take(studio: RecordingStudio, tmp_path: Path) -> None:
    client = TestClient(create_app(studio))
    prompt_id = next(iter(studio.prompts))
    first = client.put(f"/api/takes/{prompt_id}", content=speech_upload(tmp_path, "one")).json()
    second = client.put(
        f"/api/takes/{prompt_id}", content=speech_upload(tmp_path, "one two three four")
    ).json()
    assert second["seconds"] > first["seconds"] + 0.5
    assert len(list(read_jsonl(studio.manifest_path))) == 1
    assert sf.info(str(studio.audio_path(prompt_id))).duration == pytest.approx(second["seconds"], abs=1e-3)


def test_sessions_and_speakers_share_a_folder(tmp_path: Path) -> None:
    prompts = digit_prompts("en", 2)
    folder = tmp_path / "recordings"
    upload = speech_upload(tmp_path)
    RecordingStudio(prompts, folder, "anna", "s1").save_take(prompts[0].id, upload)
    later = RecordingStudio(prompts, folder, "ben", "s1")
    assert later.recorded() == set()
    later.save_take(prompts[0].id, upload)
    rows = list(read_jsonl(folder / "manifest.jsonl"))
    assert [(row["speaker"], row["prompt_id"]) for row in rows] == [
        ("anna", prompts[0].id),
        ("ben", prompts[0].id),
    ]
    assert RecordingStudio(prompts, folder, "anna", "s1").recorded() == {prompts[0].id}


def test_names_that_cannot_be_file_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"speaker name '\.\./x'"):
        RecordingStudio(digit_prompts("en", 1), tmp_path, "../x")
