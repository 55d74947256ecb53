from __future__ import annotations

import subprocess

import numpy as np
import pytest
import soundfile as sf

from voxtune.audio.io import (
    AudioReadError,
    audio_info,
    ffmpeg_executable,
    read_audio,
    read_audio_blocks,
    write_audio,
)
from voxtune.errors import ItemError


@pytest.fixture(scope="module")
def fsdd_file(fsdd_dir):
    return fsdd_dir / "3_nicolas_7.wav"


def _stereo(rate: int = 16000, seconds: float = 1.5) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 660 * t)]).astype(
        np.float32
    )


def _ffmpeg_encode(source, target, *extra: str) -> None:
    command = [ffmpeg_executable(), "-nostdin", "-v", "error", "-y", "-i", str(source), *extra]
    subprocess.run([*command, str(target)], check=True)


def test_reads_fsdd_as_channels_first_float32(fsdd_file):
    audio, rate = read_audio(fsdd_file)
    reference, _ = sf.read(fsdd_file, dtype="int16")
    assert rate == 8000
    assert audio.dtype == np.float32 and audio.shape == (1, len(reference))
    np.testing.assert_array_equal(audio[0], reference / 32768.0)


@pytest.mark.parametrize(("suffix", "subtype", "tolerance"), [
    (".wav", "PCM_16", 1 / 32768),
    (".wav", "FLOAT", 0.0),
    (".flac", "PCM_24", 1 / 2**23),
])  # fmt: skip
def test_write_then_read_round_trips(tmp_path, suffix, subtype, tolerance):
    audio = _stereo()
    path = write_audio(tmp_path / f"x{suffix}", audio, 16000, subtype=subtype)
    back, rate = read_audio(path)
    info = audio_info(path)
    assert rate == 16000 and back.shape == audio.shape
    assert np.max(np.abs(back - audio)) <= tolerance
    assert (info.channels, info.frames, info.subtype) == (2, audio.shape[1], subtype)
    assert info.duration == pytest.approx(1.5)


def test_offset_and_duration_select_the_right_samples(tmp_path):
    audio = _stereo()
    path = write_audio(tmp_path / "x.wav", audio, 16000, subtype="FLOAT")
    part, _ = read_audio(path, offset=0.25, duration=0.5)
    np.testing.assert_array_equal(part, audio[:, 4000:12000])


def test_pcm_write_clips_instead_of_wrapping(tmp_path):
    path = write_audio(tmp_path / "loud.wav", np.array([1.7, -1.4, 0.5], np.float32), 8000)
    back, _ = read_audio(path)
    assert back[0, 0] > 0.99 and back[0, 1] == -1.0


def test_write_is_atomic_and_replaces(tmp_path):
    target = tmp_path / "sub" / "out.flac"
    write_audio(target, np.zeros(100, np.float32), 8000)
    write_audio(target, np.full(50, 0.5, np.float32), 8000)
    assert audio_info(target).frames == 50
    assert [p.name for p in target.parent.iterdir()] == ["out.flac"]


def test_failed_write_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="NaN"):
        write_audio(tmp_path / "bad.wav", np.array([0.0, np.nan], np.float32), 8000)
    with pytest.raises(ValueError, match="subtype"):
        write_audio(tmp_path / "bad.flac", np.zeros(10, np.float32), 8000, subtype="FLOAT")
    assert list(tmp_path.iterdir()) == []


def test_blocks_concatenate_to_the_whole_file(tmp_path):
    audio = _stereo(seconds=2.3)
    path = write_audio(tmp_path / "x.flac", audio, 16000)
    whole, _ = read_audio(path)
    blocks = list(read_audio_blocks(path, block_seconds=0.5))
    assert [b.shape[1] for b in blocks] == [8000] * 4 + [4800]
    np.testing.assert_array_equal(np.concatenate(blocks, axis=1), whole)


@pytest.mark.parametrize(("suffix", "codec"), [(".m4a", "aac"), (".webm", "libopus")])
def test_ffmpeg_decodes_what_libsndfile_cannot(tmp_path, suffix, codec):
    source = write_audio(tmp_path / "source.wav", _stereo(rate=48000, seconds=2.0), 48000)
    encoded = tmp_path / f"x{suffix}"
    _ffmpeg_encode(source, encoded, "-c:a", codec, "-b:a", "128k")
    with pytest.raises(sf.LibsndfileError):
        sf.info(str(encoded))
    info = audio_info(encoded)
    audio, rate = read_audio(encoded)
    assert info.backend == "ffmpeg" and not info.exact_frames
    assert (rate, info.channels, audio.shape[0]) == (48000, 2, 2)
    assert audio.shape[1] == pytest.approx(96000, abs=1200)
    # Lossy but faithful: each channel keeps its own tone at its own level.
    original = _stereo(rate=48000, seconds=2.0)
    middle = slice(9600, 86400)
    for channel in range(2):
        level = np.sqrt(np.mean(audio[channel, middle] ** 2))
        expected = np.sqrt(np.mean(original[channel, middle] ** 2))
        assert level == pytest.approx(expected, rel=0.05)
    blocks = list(read_audio_blocks(encoded, block_seconds=0.5))
    np.testing.assert_array_equal(np.concatenate(blocks, axis=1), audio)
    part, _ = read_audio(encoded, offset=0.5, duration=0.25)
    assert part.shape == (2, 12000)


def _expect(path, code: str) -> AudioReadError:
    with pytest.raises(AudioReadError) as caught:
        read_audio(path)
    assert caught.value.code == code, caught.value.reason
    assert isinstance(caught.value, ItemError)
    assert caught.value.details["path"] == str(path)
    return caught.value


def test_missing_and_zero_byte_files(tmp_path):
    _expect(tmp_path / "nowhere.wav", "missing_file")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert "0 bytes" in _expect(empty, "empty_file").reason


def test_truncated_wav_is_caught_although_libsndfile_reads_it(tmp_path, fsdd_file):
    data = fsdd_file.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    assert len(sf.read(str(cut))[0]) > 0  # libsndfile alone would hand back half the audio
    error = _expect(cut, "truncated_audio")
    assert error.details["declared_seconds"] == pytest.approx(audio_info(fsdd_file).duration, 0.01)
    header_only = tmp_path / "header.wav"
    header_only.write_bytes(data[:30])
    _expect(header_only, "truncated_audio")
    with pytest.raises(AudioReadError, match="truncated_audio"):
        list(read_audio_blocks(cut))


def test_truncated_flac(tmp_path):
    path = write_audio(tmp_path / "x.flac", _stereo(seconds=3.0), 16000)
    data = path.read_bytes()
    cut = tmp_path / "cut.flac"
    cut.write_bytes(data[: len(data) // 2])
    error = _expect(cut, "truncated_audio")
    assert 0.5 < error.details["decoded_seconds"] < 2.0
    assert error.details["declared_seconds"] == pytest.approx(3.0)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".aac", ".m4a", ".ogg", ".webm"])
def test_garbage_with_an_audio_suffix_is_corrupt(tmp_path, suffix):
    garbage = tmp_path / f"noise{suffix}"
    garbage.write_bytes(np.random.default_rng(0).bytes(30000))
    _expect(garbage, "corrupt_audio")  # even where ffmpeg "detects" a format from a few bytes


def test_non_audio_is_unsupported(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not audio at all\n" * 50)
    _expect(text, "unsupported_format")


def test_non_finite_samples(tmp_path):
    audio = np.zeros((1, 8000), np.float32)
    audio[0, 123] = np.nan
    audio[0, 456] = np.inf
    path = tmp_path / "nan.wav"
    sf.write(str(path), audio.T, 8000, subtype="FLOAT")
    error = _expect(path, "non_finite_samples")
    assert error.details["non_finite_samples"] == 2
    with pytest.raises(AudioReadError, match="non_finite_samples"):
        list(read_audio_blocks(path))


def test_video_without_audio_stream(tmp_path):
    video = tmp_path / "still.mp4"
    subprocess.run(
        [ffmpeg_executable(), "-nostdin", "-v", "error", "-f", "lavfi", "-i",
         "color=c=black:s=32x32:d=0.5", "-c:v", "mpeg4", str(video)],
        check=True,
    )  # fmt: skip
    _expect(video, "no_audio_stream")
