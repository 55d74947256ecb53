"""API keys, and the official OpenAI Python client pointed at a live server: speech, a transcription
with word timestamps, the model list, and its error classes for our 4xx answers."""

from __future__ import annotations

import hmac
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from support.serving import ServeModels, config_data
from voxtune.serve import guard
from voxtune.serve.app import create_app
from voxtune.serve.config import serve_config
from voxtune.serve.server import background_server
from voxtune.serve.service import Service, start_service

KEYS = "first-key-0123456789,second-key-abcdefghij"


@pytest.fixture(scope="module")
def keyed(serve_models: ServeModels) -> Iterator[Service]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VOXTUNE_TEST_KEYS", KEYS)
        service = start_service(
            serve_config(config_data(serve_models, auth={"api_key_env": "VOXTUNE_TEST_KEYS"}))
        )
    yield service
    service.close()


def test_api_keys_guard_everything_but_health_and_the_page(keyed: Service) -> None:
    client = TestClient(create_app(keyed))
    body = {"model": "tts:nb", "input": "one", "voice": "nb_f", "response_format": "pcm"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic first-key-0123456789"}):
        response = client.post("/v1/audio/speech", json=body, headers=headers)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "invalid_api_key"
    for path in ("/v1/models", "/metrics", "/v1/unknown"):
        assert client.get(path).status_code == 401
    # refused before the body is read: a huge body without a key is a 401, not a 413
    assert (
        client.post(
            "/v1/audio/speech", content=b"x" * 10**6, headers={"content-type": "application/json"}
        ).status_code
        == 401
    )
    assert client.get("/health").status_code == 200 and client.get("/").status_code == 200
    second = {"Authorization": "Bearer second-key-abcdefghij"}
    assert client.post("/v1/audio/speech", json=body, headers=second).status_code == 200
    assert client.get("/v1/models", headers={"X-API-Key": "first-key-0123456789"}).status_code == 200


def test_keys_are_compared_in_constant_time_against_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", counting)
    keys = (b"k1", b"k2", b"k3")
    assert guard.key_matches(b"k1", keys) and len(calls) == 3  # no early exit on the first key
    assert not guard.key_matches(b"k", keys) and len(calls) == 6
    assert not guard.key_matches(b"", keys)
    assert guard.bearer_token([(b"authorization", b"Bearer  abc ")]) == b"abc"


@pytest.mark.slow
def test_the_openai_client_gets_speech_and_a_transcription(keyed: Service, tmp_path: Path) -> None:
    import openai

    with background_server(keyed) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="first-key-0123456789", max_retries=0)
        ids = [model.id for model in client.models.list()]
        assert "tts:nb" in ids and "stt:en-digits" in ids

        speech = client.audio.speech.create(
            model="tts:sv", voice="sv_f", input="one two three", response_format="wav"
        )
        audio, rate = sf.read(io.BytesIO(speech.content), dtype="float32")
        assert rate == 24000 and len(audio) > 2400
        direct = TestClient(create_app(keyed)).post(
            "/v1/audio/speech",
            json={"model": "tts:sv", "voice": "sv_f", "input": "one two three", "response_format": "wav"},
            headers={"Authorization": "Bearer first-key-0123456789"},
        )
        assert speech.content == direct.content

        spoken = tmp_path / "spoken.wav"
        sf.write(str(spoken), audio, rate)
        with spoken.open("rb") as file:
            verbose = client.audio.transcriptions.create(
                model="stt",
                file=file,
                language="en",
                response_format="verbose_json",
                timestamp_granularities=["word"],
            )
        assert verbose.text and verbose.language == "en"
        assert abs(verbose.duration - len(audio) / rate) < 0.01
        assert verbose.words and " ".join(w.word for w in verbose.words) == verbose.text
        assert all(0 <= w.start <= w.end for w in verbose.words)
        with spoken.open("rb") as file:
            plain = client.audio.transcriptions.create(model="stt:en-digits", file=file)
        assert plain.text == verbose.text

        with pytest.raises(openai.UnprocessableEntityError) as caught:
            client.audio.speech.create(model="tts:nb", voice="alloy-x", input="one")
        assert caught.value.body["code"] == "unknown_voice" and "nb_f" in caught.value.body["valid"]
        wrong = openai.OpenAI(base_url=f"{url}/v1", api_key="not-a-key", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            wrong.audio.speech.create(model="tts:nb", voice="nb_f", input="one")
        with pytest.raises(openai.BadRequestError):
            client.audio.transcriptions.create(model="stt", file=("broken.wav", b"RIFF0000WAVEjunk" * 8))
        silence = np.zeros(8000, dtype=np.float32)
        assert client.audio.transcriptions.create(model="stt", file=("s.wav", _wav(silence))).text is not None


def _wav(audio: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, audio, 16000, format="WAV")
    return buffer.getvalue()
