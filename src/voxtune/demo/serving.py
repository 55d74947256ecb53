"""The demo's serve step: the tiny CSM and the tiny STT served with their trained adapters on
127.0.0.1, each adapter called once over HTTP the way a user's client would, then the server stopped."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path


def call_each_adapter(out: Path, corpus_dir: Path) -> tuple[str, list[str], Path, Path]:
    """Start the server (a free port) from ``out/serve.yaml``, speak a sentence in each TTS adapter's
    language and transcribe an English digit sentence with each STT adapter, saving what comes back under
    ``out/served``; returns the server's URL, one line per adapter, the folder and the config."""
    import httpx
    import soundfile as sf

    from voxtune.demo import sentences
    from voxtune.demo.stt import english_items
    from voxtune.models import mimi
    from voxtune.serve.config import load_serve_config
    from voxtune.serve.server import background_server
    from voxtune.serve.service import start_service

    config_path = out / "serve.yaml"
    if not config_path.is_file():
        template = resources.files("voxtune.demo").joinpath("serve.yaml").read_text(encoding="utf-8")
        config_path.write_text(template, encoding="utf-8")
    said = {"nb": sentences.NORWEGIAN[3], "sv": sentences.SWEDISH[3], "da": sentences.DANISH[3]}
    texts, clips = english_items(corpus_dir)
    upload = io.BytesIO()
    sf.write(upload, clips[0], mimi.SAMPLE_RATE, format="WAV")
    served = out / "served"
    served.mkdir(exist_ok=True)
    service = start_service(load_serve_config(config_path))
    parts: list[str] = []
    try:
        with background_server(service) as url, httpx.Client(base_url=url, timeout=120) as client:
            for model in [m for m in client.get("/v1/models").json()["data"] if m["adapter"]]:
                adapter = model["adapter"]
                if model["task"] == "stt":
                    response = client.post(
                        "/v1/audio/transcriptions",
                        files={"file": ("digits.wav", upload.getvalue(), "audio/wav")},
                        data={"model": model["id"], "response_format": "json"},
                    )
                    response.raise_for_status()
                    heard = response.json()["text"]
                    (served / f"{adapter}.txt").write_text(f"said: {texts[0]}\nheard: {heard}\n", "utf-8")
                    parts.append(f"{adapter} heard {heard[:40]!r}")
                    continue
                language = next((x for x in sorted(model["languages"]) if x in said), "nb")
                voice = next((v for v in model["voices"] if v.startswith(language)), "default")
                response = client.post(
                    "/v1/audio/speech",
                    json={
                        "model": model["id"],
                        "input": said[language],
                        "voice": voice,
                        "language": language,
                        "response_format": "wav",
                    },
                )
                response.raise_for_status()
                (served / f"{adapter}.wav").write_bytes(response.content)
                seconds = (len(response.content) - 44) / 2 / int(response.headers["x-sample-rate"])
                parts.append(f"{adapter} ({language}, {voice}): {seconds:.1f} s")
    finally:
        service.close()
    return url, parts, served, config_path
