"""Browser takes to WAV: decoding Opus uploads, refusing empty takes, the level measure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from support.opus import opus_upload
from voxtune.errors import ItemError
from voxtune.record.takes import check_not_empty, decode_upload, loudest_frame_dbfs, store_take
from voxtune.synth.espeak import Voice, synthesise


def test_level_of_a_known_sine() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    sine = (0.5 * np.sin(2 * np.pi * 500 * t)).astype(np.float32)  # whole periods per 20 ms frame
    # RMS of a sine of amplitude A is A / sqrt(2): 0.5 -> -9.03 dBFS
    assert loudest_frame_dbfs(sine, rate) == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.05)
    quiet_then_loud = np.concatenate([sine * 0.01, sine])
    assert loudest_frame_dbfs(quiet_then_loud, rate) == pytest.approx(-9.03, abs=0.05)
    assert loudest_frame_dbfs(np.zeros(rate, dtype=np.float32), rate) == float("-inf")


def test_empty_takes_are_refused_with_the_measured_reason() -> None:
    rate = 48000
    with pytest.raises(ItemError) as short:
        check_not_empty(np.full(int(0.1 * rate), 0.3, dtype=np.float32), rate)
    assert short.value.code == "empty_recording" and "0.10 s" in short.value.reason
    with pytest.raises(ItemError) as silent:
        check_not_empty(np.zeros(rate, dtype=np.float32), rate)
    assert "digital silence" in silent.value.reason
    hiss = np.random.default_rng(0).normal(0, 10 ** (-65 / 20), rate).astype(np.float32)
    with pytest.raises(ItemError) as quiet:
        check_not_empty(hiss, rate)
    assert quiet.value.details["level_dbfs"] == pytest.approx(-65, abs=1.5)


def test_opus_upload_becomes_24k_mono_wav_of_the_same_length(tmp_path: Path) -> None:
    said = synthesise("seven four one zero nine", Voice("en", "m3"))
    speech, rate = said.audio, said.sample_rate
    target = tmp_path / "out" / "take.wav"
    seconds, level = store_take(opus_upload(speech, rate, tmp_path), target)
    info = sf.info(str(target))
    assert (info.samplerate, info.channels, info.subtype) == (24000, 1, "PCM_16")
    assert seconds == pytest.approx(len(speech) / rate, abs=0.03)
    assert info.duration == pytest.approx(seconds, abs=1e-3)
    assert level == pytest.approx(loudest_frame_dbfs(speech, rate), abs=1.5)


def test_ogg_opus_decodes_too(tmp_path: Path) -> None:
    t = np.arange(48000) / 48000
    tone = (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    audio = decode_upload(opus_upload(tone, 48000, tmp_path, "ogg"))
    assert len(audio) == pytest.approx(48000, abs=400)
    assert np.sqrt(np.mean(audio[4800:-4800] ** 2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)


def test_silent_and_broken_uploads_write_nothing(tmp_path: Path) -> None:
    target = tmp_path / "take.wav"
    with pytest.raises(ItemError) as silent:
        store_take(opus_upload(np.zeros(48000, dtype=np.float32), 48000, tmp_path), target)
    assert silent.value.code == "empty_recording"
    with pytest.raises(ItemError) as broken:
        store_take(b"this is not audio" * 10, target)
    assert broken.value.code == "unreadable_audio"
    with pytest.raises(ItemError) as nothing:
        store_take(b"", target)
    assert nothing.value.code == "empty_recording"
    assert not target.exists() and list(tmp_path.glob(".tmp-*")) == []
