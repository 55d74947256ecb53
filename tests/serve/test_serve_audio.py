"""Audio in and out of the server: every speech format decodes back to the same sound, speed changes
duration not pitch, and uploads are decoded within their limits with clear errors."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtune.audio.io import ffmpeg_executable
from voxtune.serve.audio import change_speed, decode_upload, encode_audio, wav_header
from voxtune.serve.errors import ApiError

RATE = 24000


def tone(seconds: float = 1.0, freq: float = 440.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_frequency(audio: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.argmax(spectrum) * rate / len(audio))


@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3", "opus"])
def test_each_format_decodes_back_to_the_same_tone(fmt: str) -> None:
    audio = tone()
    data = encode_audio(audio, RATE, fmt)
    decoded, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert abs(len(decoded) / rate - 1.0) < 0.08  # codecs pad a few ms
    assert abs(dominant_frequency(decoded, rate) - 440.0) < 5.0
    assert abs(np.sqrt(np.mean(decoded**2)) - 0.4 / np.sqrt(2)) < 0.03
    if fmt in ("wav", "flac"):
        assert rate == RATE and np.max(np.abs(decoded - audio)) < 1e-4  # lossless at 16 bits


def test_pcm_and_wav_carry_the_same_samples_and_a_streaming_header_plays() -> None:
    audio = tone(0.5)
    pcm = encode_audio(audio, RATE, "pcm")
    wav = encode_audio(audio, RATE, "wav")
    assert len(pcm) == 2 * len(audio) and wav[44:] == pcm
    assert wav[:44] == wav_header(RATE, len(audio))
    decoded, rate = sf.read(io.BytesIO(wav_header(RATE, None) + pcm), dtype="float32")  # open-ended sizes
    assert rate == RATE and len(decoded) == len(audio)
    assert np.max(np.abs(decoded - np.round(audio * 32767) / 32768)) < 1e-4
    clipped = np.frombuffer(encode_audio(np.array([2.0, -2.0], dtype=np.float32), RATE, "pcm"), "<i2")
    assert clipped.tolist() == [32767, -32767]


def test_speed_changes_duration_but_not_pitch() -> None:
    audio = tone(2.0, 300.0)
    fast = change_speed(audio, 2.0)
    slow = change_speed(audio, 0.5)
    assert abs(len(fast) / len(audio) - 0.5) < 0.02 and abs(len(slow) / len(audio) - 2.0) < 0.02
    for changed in (fast, slow):
        assert abs(dominant_frequency(changed, RATE) - 300.0) < 5.0
    assert change_speed(audio, 1.0) is audio


def wav_bytes(audio: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format="WAV")
    return buffer.getvalue()


def test_uploads_are_decoded_to_mono_within_the_limits(tmp_path: Path) -> None:
    stereo = np.stack([tone(1.0, 440, 16000), -tone(1.0, 440, 16000) * 0.5], axis=1)
    upload = decode_upload(wav_bytes(stereo, 16000), "take.wav", max_seconds=5)
    assert upload.sample_rate == 16000 and upload.audio.ndim == 1 and abs(upload.seconds - 1.0) < 1e-6
    assert np.allclose(upload.audio, stereo.mean(axis=1), atol=1e-4)

    # a format libsndfile cannot read goes through the bundled ffmpeg (browsers record webm/opus)
    source = tmp_path / "take.wav"
    sf.write(str(source), tone(1.0, 440, 48000), 48000)
    webm = tmp_path / "take.webm"
    subprocess.run(
        [ffmpeg_executable(), "-loglevel", "error", "-i", str(source), "-c:a", "libopus", str(webm)],
        check=True,
    )
    upload = decode_upload(webm.read_bytes(), "take.webm", max_seconds=5)
    assert (
        abs(upload.seconds - 1.0) < 0.05
        and abs(dominant_frequency(upload.audio, upload.sample_rate) - 440) < 5
    )

    def refused(data: bytes, name: str, **limits: float) -> ApiError:
        with pytest.raises(ApiError) as caught:
            decode_upload(data, name, max_seconds=limits.get("max_seconds", 5))
        return caught.value

    e = refused(wav_bytes(tone(3.0, 440, 8000), 8000), "long.wav", max_seconds=2)
    assert (e.status, e.code) == (413, "audio_too_long") and "3.0 s" in e.message
    e = refused(b"", "empty.wav")
    assert (e.status, e.code) == (400, "empty_file")
    e = refused(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 20, "broken.wav")
    assert e.status == 400 and e.code in ("corrupt_audio", "truncated_audio")
    assert str(tmp_path) not in e.message and "/tmp" not in e.message  # no server paths leak
    e = refused(b"just some text, not audio at all" * 10, "notes.txt")
    assert e.status == 400 and e.code == "unsupported_format"
    e = refused(b"\x00" * 1000, "../../etc/passwd")  # the client's file name never becomes a path
    assert e.status == 400
