"""Read and write audio files.

soundfile (libsndfile) reads WAV, FLAC, OGG/Opus, MP3 and friends; anything it cannot open (m4a,
aac, webm, mp4, wma, ...) is decoded by the ffmpeg binary that the ``imageio-ffmpeg`` wheel ships,
never a system ffmpeg. Every read returns float32 shaped ``(channels, samples)``. A file that cannot
be used raises :class:`AudioReadError` with a short ``code`` for the rejection ledger.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf

from voxtune.errors import ItemError

# Suffixes that promise audio: an unreadable file with one of these is "corrupt", with any other
# suffix it is "unsupported".
AUDIO_SUFFIXES = frozenset(
    {
        ".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".m4a", ".m4b", ".aac", ".mp4",
        ".webm", ".mkv", ".mka", ".wma", ".aif", ".aiff", ".aifc", ".caf", ".w64", ".rf64", ".au",
        ".amr", ".3gp", ".mov", ".ac3", ".wv",
    }
)  # fmt: skip

WRITE_FORMATS = {".wav": "WAV", ".flac": "FLAC"}
WRITE_SUBTYPES = ("PCM_16", "PCM_24", "FLOAT")


class AudioReadError(ItemError):
    """One audio file cannot be used.

    Codes: ``missing_file``, ``empty_file``, ``truncated_audio``, ``corrupt_audio``,
    ``unsupported_format``, ``no_audio_stream``, ``non_finite_samples``.
    """


@dataclass(frozen=True)
class AudioInfo:
    """What a file's header says, read without decoding the samples.

    ``frames`` is exact for files soundfile opens; for files ffmpeg opens it is the container's
    duration times the sample rate (``exact_frames`` is False), which can be off by a codec frame.
    """

    sample_rate: int
    channels: int
    frames: int
    format: str
    subtype: str | None
    backend: Literal["soundfile", "ffmpeg"]
    exact_frames: bool = True

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


def audio_info(path: str | Path) -> AudioInfo:
    """Header facts (rate, channels, frames, duration, subtype) of a file, without decoding it."""
    path = Path(path)
    _check_exists_and_nonempty(path)
    try:
        info = sf.info(str(path))
    except sf.LibsndfileError as error:
        _raise_if_broken_wav(path, str(error))
        return _ffmpeg_info(path)
    return AudioInfo(
        sample_rate=int(info.samplerate),
        channels=int(info.channels),
        frames=int(info.frames),
        format=str(info.format),
        subtype=str(info.subtype),
        backend="soundfile",
    )


def read_audio(
    path: str | Path, *, offset: float = 0.0, duration: float | None = None
) -> tuple[np.ndarray, int]:
    """Decode ``duration`` seconds from ``offset`` (default: all) as float32 (channels, samples).

    Raises :class:`AudioReadError` for a missing, empty, truncated, corrupt or unsupported file, or
    one whose samples hold NaN or infinity.
    """
    path = Path(path)
    if offset < 0 or (duration is not None and duration < 0):
        raise ValueError(f"offset and duration must be >= 0, got {offset}, {duration}")
    info = audio_info(path)
    if info.backend == "soundfile":
        audio = _read_soundfile(path, info, offset, duration)
    else:
        audio = _read_ffmpeg(path, info, offset, duration)
    _check_finite(audio, path)
    return audio, info.sample_rate


def read_audio_blocks(
    path: str | Path, *, block_seconds: float = 30.0, info: AudioInfo | None = None
) -> Iterator[np.ndarray]:
    """Yield the file as consecutive float32 (channels, samples) blocks, never holding all of it.

    For hour-long recordings: memory stays at one block whatever the file length. The last block is
    shorter. Pass ``info`` from :func:`audio_info` to skip reading the header twice.
    """
    path = Path(path)
    info = info or audio_info(path)
    block_frames = max(1, round(block_seconds * info.sample_rate))
    blocks = (
        _soundfile_blocks(path, info, block_frames)
        if info.backend == "soundfile"
        else _ffmpeg_blocks(path, info, block_frames)
    )
    for block in blocks:
        _check_finite(block, path)
        yield block


def write_audio(path: str | Path, audio: np.ndarray, sample_rate: int, *, subtype: str = "PCM_16") -> Path:
    """Write ``audio`` (channels, samples) or (samples,) as WAV or FLAC, atomically.

    The file appears complete or not at all (a temporary file beside it, then one rename), so a
    killed run never leaves half a file behind. PCM subtypes clip
    to [-1, 1] first, because libsndfile would otherwise wrap out-of-range floats around.
    """
    path = Path(path)
    fmt = WRITE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"write_audio writes {sorted(WRITE_FORMATS)}, not {path.suffix!r}")
    if subtype not in WRITE_SUBTYPES or (fmt == "FLAC" and subtype == "FLOAT"):
        raise ValueError(f"cannot write subtype {subtype!r} to {fmt}")
    data = np.asarray(audio, dtype=np.float32)
    if data.ndim == 1:
        data = data[None, :]
    if data.ndim != 2:
        raise ValueError(f"audio must be (channels, samples) or (samples,), got shape {data.shape}")
    if not np.isfinite(data).all():
        raise ValueError("refusing to write audio that holds NaN or infinity")
    if subtype != "FLOAT":
        data = np.clip(data, -1.0, 1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not corpus.manifest.atomic_output: importing that package pulls in lhotse (seconds).
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        sf.write(temporary, data.T, int(sample_rate), subtype=subtype, format=fmt)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# --- soundfile backend -------------------------------------------------------------------------


def _read_soundfile(path: Path, info: AudioInfo, offset: float, duration: float | None) -> np.ndarray:
    start = min(round(offset * info.sample_rate), info.frames)
    wanted = info.frames - start
    if duration is not None:
        wanted = min(wanted, round(duration * info.sample_rate))
    _raise_if_truncated_wav(path, info)
    with sf.SoundFile(str(path)) as handle:
        if start:
            handle.seek(start)
        try:
            data = handle.read(wanted, dtype="float32", always_2d=True)
        except sf.LibsndfileError as error:
            decoded = _decodable_frames(path, info)
            raise _truncated(path, decoded / info.sample_rate, info.duration, str(error)) from error
    return np.ascontiguousarray(data.T)


def _soundfile_blocks(path: Path, info: AudioInfo, block_frames: int) -> Iterator[np.ndarray]:
    _raise_if_truncated_wav(path, info)
    decoded = 0
    with sf.SoundFile(str(path)) as handle:
        while True:
            try:
                data = handle.read(block_frames, dtype="float32", always_2d=True)
            except sf.LibsndfileError as error:
                seconds = decoded / info.sample_rate
                raise _truncated(path, seconds, info.duration, str(error)) from error
            if not len(data):
                return
            decoded += len(data)
            yield np.ascontiguousarray(data.T)


def _decodable_frames(path: Path, info: AudioInfo) -> int:
    """How many frames decode before libsndfile gives up (only called on the error path)."""
    decoded = 0
    with sf.SoundFile(str(path)) as handle:
        try:
            while True:
                data = handle.read(info.sample_rate, dtype="float32")
                if not len(data):
                    break
                decoded += len(data)
        except sf.LibsndfileError:
            pass
    return decoded


def _riff_data_chunk(path: Path) -> tuple[int | None, int] | None:
    """(declared, available) bytes of a RIFF/WAVE file's data chunk; declared None if no data chunk.

    Hand-written because libsndfile silently shortens a truncated WAV to the bytes present.
    Returns None when the file is not RIFF/WAVE.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        position = 12
        while position + 8 <= size:
            handle.seek(position)
            chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
            if chunk_id == b"data":
                return chunk_size, size - position - 8
            position += 8 + chunk_size + (chunk_size & 1)
    return None, 0


def _raise_if_truncated_wav(path: Path, info: AudioInfo) -> None:
    if info.format not in ("WAV", "WAVEX"):
        return
    chunk = _riff_data_chunk(path)
    if chunk is None or chunk[0] is None:
        return
    declared, available = chunk
    # 0 and 0xFFFFFFFF are what streaming writers put when they do not know the length yet.
    if declared not in (0, 0xFFFFFFFF) and declared > available:
        # libsndfile counted the frames actually present, so scale them up to the declared size.
        declared_s = info.duration * declared / max(available, 1)
        raise _truncated(
            path,
            info.duration,
            declared_s,
            f"the data chunk declares {declared} bytes but only {available} are present",
        )


def _raise_if_broken_wav(path: Path, message: str) -> None:
    """Report a RIFF/WAVE file that libsndfile refuses for lack of a data chunk as truncated."""
    chunk = _riff_data_chunk(path)
    if chunk is not None and chunk[0] is None:
        raise AudioReadError(
            "truncated_audio",
            f"WAV file ends before its audio data starts ({path.stat().st_size} bytes; {message})",
            path=str(path),
        )


# --- ffmpeg backend ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def ffmpeg_executable() -> str:
    """Path of the ffmpeg binary bundled with the imageio-ffmpeg wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@lru_cache(maxsize=1)
def _ffmpeg_layout_channels() -> dict[str, int]:
    """Channel count of every named layout this ffmpeg knows ("stereo" -> 2, "5.1(side)" -> 6)."""
    listing = subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-layouts"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    layouts: dict[str, int] = {}
    in_standard = False
    for line in listing.splitlines():
        if line.startswith("Standard channel layouts"):
            in_standard = True
            continue
        parts = line.split()
        if in_standard and len(parts) == 2 and parts[0] != "NAME":
            layouts[parts[0]] = len(parts[1].split("+"))
    return layouts


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+.*?: Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)")
_INPUT_FORMAT = re.compile(r"Input #0, ([^ ]+), from")


def _ffmpeg_info(path: Path) -> AudioInfo:
    result = subprocess.run(
        [ffmpeg_executable(), "-nostdin", "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    text = result.stderr
    stream = _AUDIO_STREAM.search(text)
    if stream is None:
        if "Input #0" not in text:
            raise _unreadable(path, _last_line(text))
        if "misdetection possible" in text or ": Audio:" in text:
            # ffmpeg guessed a format from a few bytes, or found audio it cannot describe.
            raise _unreadable(path, "ffmpeg finds no decodable audio stream")
        if path.suffix.lower() in AUDIO_SUFFIXES:
            raise AudioReadError("no_audio_stream", "the file holds no audio stream", path=str(path))
        raise _unreadable(path, "ffmpeg finds no audio stream in it")
    codec, rate, layout = stream.group(1), int(stream.group(2)), stream.group(3).strip()
    channels = _channels_of_layout(layout)
    if channels is None:
        raise AudioReadError("unsupported_format", f"unknown channel layout {layout!r}", path=str(path))
    duration_match = _DURATION.search(text)
    if duration_match is None:
        raise AudioReadError("corrupt_audio", "ffmpeg reports no duration for this file", path=str(path))
    hours, minutes, seconds = duration_match.groups()
    duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    fmt = _INPUT_FORMAT.search(text)
    return AudioInfo(
        sample_rate=rate,
        channels=channels,
        frames=round(duration * rate),
        format=fmt.group(1).rstrip(",") if fmt else "unknown",
        subtype=codec,
        backend="ffmpeg",
        exact_frames=False,
    )


def _channels_of_layout(layout: str) -> int | None:
    numbered = re.fullmatch(r"(\d+) channels.*", layout)
    if numbered:
        return int(numbered.group(1))
    return _ffmpeg_layout_channels().get(layout)


def _ffmpeg_command(path: Path, offset: float, duration: float | None) -> list[str]:
    command = [ffmpeg_executable(), "-nostdin", "-hide_banner", "-v", "error"]
    if offset > 0:
        command += ["-ss", f"{offset:.6f}"]
    command += ["-i", str(path)]
    if duration is not None:
        command += ["-t", f"{duration:.6f}"]
    return [*command, "-map", "0:a:0", "-f", "f32le", "-acodec", "pcm_f32le", "-"]


def _read_ffmpeg(path: Path, info: AudioInfo, offset: float, duration: float | None) -> np.ndarray:
    result = subprocess.run(_ffmpeg_command(path, offset, duration), capture_output=True, check=False)
    stderr = result.stderr.decode(errors="replace")
    samples = np.frombuffer(result.stdout, dtype="<f4")
    usable = len(samples) - len(samples) % info.channels
    audio = samples[:usable].reshape(-1, info.channels).T.copy()
    if result.returncode != 0 and not usable:
        raise _unreadable(path, _last_line(stderr))
    expected = max(0.0, info.duration - offset)
    if duration is not None:
        expected = min(expected, duration)
    decoded = audio.shape[1] / info.sample_rate
    # Containers round their duration and codecs pad: only a clear shortfall that ffmpeg complained
    # about counts as truncation.
    if stderr.strip() and decoded < expected - max(0.1, 0.02 * expected):
        raise _truncated(path, offset + decoded, info.duration, _last_line(stderr))
    return audio


def _ffmpeg_blocks(path: Path, info: AudioInfo, block_frames: int) -> Iterator[np.ndarray]:
    block_bytes = block_frames * info.channels * 4
    decoded = 0
    # stderr goes to a file: a pipe nobody reads until the end could fill up and stall ffmpeg.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(_ffmpeg_command(path, 0.0, None), stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        try:
            while raw := process.stdout.read(block_bytes):
                samples = np.frombuffer(raw, dtype="<f4")
                samples = samples[: len(samples) - len(samples) % info.channels]
                decoded += len(samples) // info.channels
                yield samples.reshape(-1, info.channels).T.copy()
            returncode = process.wait()
        finally:
            if process.poll() is None:  # the consumer stopped early
                process.kill()
                process.wait()
            process.stdout.close()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    seconds = decoded / info.sample_rate
    if returncode != 0 and not decoded:
        raise _unreadable(path, _last_line(stderr))
    if stderr.strip() and seconds < info.duration - max(0.1, 0.02 * info.duration):
        raise _truncated(path, seconds, info.duration, _last_line(stderr))


# --- shared checks -------------------------------------------------------------------------------


def _check_exists_and_nonempty(path: Path) -> None:
    if not path.is_file():
        raise AudioReadError("missing_file", "no such file", path=str(path))
    if path.stat().st_size == 0:
        raise AudioReadError("empty_file", "the file is empty (0 bytes)", path=str(path))


def _check_finite(audio: np.ndarray, path: Path) -> None:
    finite = np.isfinite(audio)
    if not finite.all():
        bad = int(audio.size - np.count_nonzero(finite))
        raise AudioReadError(
            "non_finite_samples",
            f"{bad} of {audio.size} samples are NaN or infinite",
            path=str(path),
            non_finite_samples=bad,
        )


def _truncated(path: Path, decoded_s: float, declared_s: float, detail: str) -> AudioReadError:
    return AudioReadError(
        "truncated_audio",
        f"audio data breaks off at {decoded_s:.2f} s of the {declared_s:.2f} s the header declares"
        f" ({detail})",
        path=str(path),
        decoded_seconds=round(decoded_s, 3),
        declared_seconds=round(declared_s, 3),
    )


def _unreadable(path: Path, detail: str) -> AudioReadError:
    if path.suffix.lower() in AUDIO_SUFFIXES:
        return AudioReadError(
            "corrupt_audio",
            f"neither libsndfile nor ffmpeg can decode it ({detail})",
            path=str(path),
        )
    return AudioReadError(
        "unsupported_format",
        f"{path.suffix or 'no suffix'}: not a format libsndfile or ffmpeg reads ({detail})",
        path=str(path),
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
