"""Audio from URLs (YouTube, podcasts, direct media links) downloaded with yt-dlp, metadata kept."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from voxtune.errors import InputError, ItemError


def read_url_list(path: Path) -> list[str]:
    """URLs from a text file, one per line; blank lines and ``#`` comments are skipped."""
    if not path.is_file():
        raise InputError("URL list not found", path=path)
    urls = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if urlparse(line).scheme not in ("http", "https"):
            raise InputError(f"line {number} is not an http(s) URL: {line!r}", path=path)
        urls.append(line)
    if not urls:
        raise InputError("the URL list is empty", path=path)
    return urls


def url_id(url: str) -> str:
    """A readable, stable id: the URL's last path part (or host) plus a short hash of the whole URL."""
    parsed = urlparse(url)
    tail = Path(parsed.path).stem or parsed.netloc
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", tail).strip("_")[:40] or "url"
    return f"{slug}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def url_items(urls: list[str]) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for url in urls:
        if url in seen:
            continue
        seen.add(url)
        yield {"id": url_id(url), "source": url}


METADATA_KEYS = (
    "title",
    "uploader",
    "channel",
    "duration",
    "webpage_url",
    "license",
    "upload_date",
    "extractor",
)


def download_audio(url: str, folder: Path, stem: str, timeout: float = 30.0) -> tuple[Path, dict[str, Any]]:
    """Download the best audio of ``url`` into ``folder/stem.<ext>``; return the file and its metadata."""
    import yt_dlp

    from voxtune.sources.transcode import ffmpeg_exe

    folder.mkdir(parents=True, exist_ok=True)
    options = {
        "format": "bestaudio/best",
        "outtmpl": str(folder / f"{stem}.%(ext)s"),
        "noplaylist": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": timeout,
        "retries": 2,
        "ffmpeg_location": ffmpeg_exe(),
        "overwrites": True,
    }
    try:
        with yt_dlp.YoutubeDL(options) as downloader:
            info = downloader.extract_info(url, download=True)
            path = Path(downloader.prepare_filename(info))
    except yt_dlp.utils.DownloadError as exc:
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).replace("ERROR: ", "")
        raise ItemError("download_failed", f"could not download {url}: {message}") from None
    if not path.is_file():
        raise ItemError("download_failed", f"yt-dlp reported success but wrote no file for {url}")
    metadata = {key: info[key] for key in METADATA_KEYS if info.get(key) is not None}
    return path, metadata
