"""Ingest from URLs with yt-dlp (a media file served on 127.0.0.1) and formats that need ffmpeg."""

from __future__ import annotations

import socket
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import soundfile as sf

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe
from voxtune.sources.transcode import ffmpeg_exe
from voxtune.sources.urls import url_id


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def media_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An HTTP server on 127.0.0.1 serving tmp_path/www; stopped after the test."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_ingest(tmp_path: Path, path: Path) -> Corpus:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"report: false\nstages:\n  - stage: ingest\n    path: {path}\n", encoding="utf-8")
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    return Corpus.open(tmp_path / "corpus")


def test_urls_are_downloaded_with_metadata_and_bad_ones_ledgered(tmp_path: Path, media_server) -> None:  # type: ignore[no-untyped-def]
    root, base = media_server
    write_tone(root / "episode.wav", seconds=2.0, rate=22050)
    dead = f"http://127.0.0.1:{free_port()}/gone.wav"
    urls = tmp_path / "sources.urls"
    urls.write_text(
        f"# podcast episodes\n{base}/episode.wav\n\n{dead}\n{base}/missing.wav\n", encoding="utf-8"
    )
    corpus = run_ingest(tmp_path, urls)
    [cut] = list(corpus.cuts())
    assert cut.id == url_id(f"{base}/episode.wav") and cut.id.startswith("episode-")
    assert cut.duration == pytest.approx(2.0) and cut.sampling_rate == 22050
    assert cut.custom[fields.SOURCE] == f"{base}/episode.wav"
    assert cut.custom[fields.SOURCE_META]["webpage_url"] == f"{base}/episode.wav"
    assert Path(cut.recording.sources[0].source).is_relative_to(tmp_path / "corpus" / "audio")
    rejected = {r.source: r for r in corpus.rejections()}
    assert rejected[dead].code == "download_failed" and "could not download" in rejected[dead].reason
    assert rejected[f"{base}/missing.wav"].code == "download_failed"


def test_url_list_errors(tmp_path: Path) -> None:
    from voxtune.errors import InputError

    bad = tmp_path / "x.urls"
    bad.write_text("ftp://example.org/a.wav\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1 is not an http"):
        run_ingest(tmp_path, bad)


def test_m4a_and_webm_are_decoded_through_ffmpeg(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    source = write_tone(tmp_path / "tone.wav", seconds=1.5, rate=24000, channels=2)
    for name, codec in (("talk.m4a", "aac"), ("call.webm", "libopus")):
        command = [
            ffmpeg_exe(),
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(source),
            "-c:a",
            codec,
            str(raw / name),
        ]
        subprocess.run(command, check=True)
    (raw / "fake.m4a").write_bytes(b"\x00" * 100)
    corpus = run_ingest(tmp_path, raw)
    cuts = {cut.id: cut for cut in corpus.cuts()}
    assert set(cuts) == {"talk", "call"}
    for cut in cuts.values():
        decoded = Path(cut.recording.sources[0].source)
        assert decoded.suffix == ".flac" and sf.info(str(decoded)).channels == 2
        assert cut.duration == pytest.approx(1.5, abs=0.08)
        assert cut.custom[fields.SOURCE].endswith((".m4a", ".webm"))
    assert {r.id: r.code for r in corpus.rejections()} == {"fake": "unreadable_audio"}
