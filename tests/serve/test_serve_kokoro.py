"""A Kokoro folder (what `voxtune merge` writes for a Kokoro adapter, or Kokoro's own) served as a base:
its voices are offered by name and it speaks through the OpenAI speech endpoint."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf

from support.kokoro import tiny_kokoro_dir  # noqa: F401  (fixture)
from voxtune.serve.config import serve_config
from voxtune.serve.server import background_server
from voxtune.serve.service import start_service


@pytest.mark.slow
def test_a_kokoro_folder_speaks_with_its_own_voices(tiny_kokoro_dir: Path) -> None:  # noqa: F811
    config = serve_config(
        {
            "models": [
                {
                    "name": "kokoro",
                    "base": str(tiny_kokoro_dir),
                    "family": "kokoro",
                    "voices": {"alloy": "tiny_b"},
                }
            ]
        }
    )
    service = start_service(config)  # Kokoro's .pth loads with torch's weights-only unpickler
    try:
        with background_server(service) as url, httpx.Client(base_url=url, timeout=300) as client:
            listed = client.get("/v1/models").json()["data"][0]
            assert {"tiny_a", "tiny_b", "alloy"} <= set(listed["voices"])

            def speak(voice: str) -> np.ndarray:
                response = client.post(
                    "/v1/audio/speech",
                    json={
                        "model": "kokoro",
                        "input": "Hello there.",
                        "voice": voice,
                        "response_format": "wav",
                    },
                )
                assert response.status_code == 200, response.text
                audio, rate = sf.read(io.BytesIO(response.content))
                assert rate == 24_000 and len(audio) > 0
                return audio

            a, b, alias = speak("tiny_a"), speak("tiny_b"), speak("alloy")
            assert np.array_equal(b, alias) and not (len(a) == len(b) and np.array_equal(a, b))
            unknown = client.post(
                "/v1/audio/speech", json={"model": "kokoro", "input": "Hi.", "voice": "../x.pt"}
            )
            assert unknown.status_code == 422 and "tiny_a" in unknown.text  # never a path to a file
    finally:
        service.close()
