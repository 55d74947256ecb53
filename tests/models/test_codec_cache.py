"""The codec cache: each recording is encoded once per codec, torn files are redone, bad audio is an
item error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from voxtune.errors import ItemError
from voxtune.models.codec_cache import CodecCache, content_key, cut_waveform, module_fingerprint
from voxtune.sources.items import cut_from_file


class CountingCodec:
    """A stand-in codec: codes are the rounded mean of 10-sample blocks; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        self.calls += 1
        blocks = samples[: len(samples) // 10 * 10].reshape(-1, 10).mean(axis=1)
        return np.round(blocks * 100).astype(np.int64)[None, :]


def test_codes_are_computed_once_and_read_back_from_disk(tmp_path: Path) -> None:
    audio = np.linspace(-0.5, 0.5, 200, dtype=np.float32)
    codec = CountingCodec()
    first = CodecCache(tmp_path, "codec-a")
    codes = first.codes(audio, 24000, codec)
    assert codec.calls == 1 and first.encoded == 1
    again = CodecCache(tmp_path, "codec-a")  # a new run, same codec
    assert np.array_equal(again.codes(audio, 24000, codec), codes)
    assert codec.calls == 1 and again.hits == 1 and again.encoded == 0
    other = CodecCache(tmp_path, "codec-b")  # different weights never read codec-a's codes
    other.codes(audio, 24000, codec)
    assert codec.calls == 2


def test_key_depends_on_samples_and_rate() -> None:
    audio = np.zeros(100, dtype=np.float32)
    assert content_key(audio, 24000) == content_key(audio.copy(), 24000)
    assert content_key(audio, 24000) != content_key(audio, 16000)
    changed = audio.copy()
    changed[50] = 1e-4
    assert content_key(audio, 24000) != content_key(changed, 24000)


def test_a_torn_cache_file_is_encoded_again(tmp_path: Path) -> None:
    audio = np.ones(100, dtype=np.float32) * 0.1
    codec = CountingCodec()
    cache = CodecCache(tmp_path, "c")
    cache.codes(audio, 24000, codec)
    path = cache.path(content_key(audio, 24000))
    assert path is not None
    path.write_bytes(path.read_bytes()[:20])  # killed mid-write
    cache.codes(audio, 24000, codec)
    assert codec.calls == 2


def test_codes_for_skips_loading_audio_once_the_key_is_known(tmp_path: Path) -> None:
    loads = []

    def load() -> np.ndarray:
        loads.append(1)
        return np.full(100, 0.2, dtype=np.float32)

    codec = CountingCodec()
    cache = CodecCache(tmp_path, "c")
    for _ in range(3):
        cache.codes_for(("item", 0.0, 1.0), load, 24000, codec)
    assert len(loads) == 1 and codec.calls == 1 and cache.hits == 2


def test_module_fingerprint_changes_with_weights() -> None:
    module = torch.nn.Linear(3, 2)
    before = module_fingerprint(module, {"a": 1})
    assert module_fingerprint(module, {"a": 1}) == before
    assert module_fingerprint(module, {"a": 2}) != before
    with torch.no_grad():
        module.weight[0, 0] += 1.0
    assert module_fingerprint(module, {"a": 1}) != before


def test_cut_waveform_resamples_and_rejects_bad_audio(tmp_path: Path) -> None:
    rate = 8000
    tone = 0.3 * np.sin(2 * np.pi * 200 * np.arange(rate) / rate).astype(np.float32)
    sf.write(str(tmp_path / "tone.wav"), tone, rate)
    waveform = cut_waveform(cut_from_file(tmp_path / "tone.wav", "tone"), 24000)
    assert waveform.shape == (1, 24000)
    spectrum = np.abs(np.fft.rfft(waveform[0]))
    assert abs(np.argmax(spectrum) * 24000 / 24000 - 200) <= 1  # still a 200 Hz tone

    broken = tone.copy()
    broken[100:110] = np.nan
    sf.write(str(tmp_path / "nan.wav"), broken, rate, subtype="FLOAT")
    with pytest.raises(ItemError) as error:
        cut_waveform(cut_from_file(tmp_path / "nan.wav", "nan"), 24000)
    assert error.value.code == "non_finite_samples" and "10 of" in error.value.reason
