"""Audio -> codec codes once: a disk cache keyed by the audio's content hash and the codec's identity.

Encoding audio with a neural codec (Mimi) is the slow part of preparing a speech-LM batch; doing it
on the fly every epoch wastes most of a run. Families that use a codec (CSM, Moshi, Kyutai STT) look
codes up here first, so each recording is encoded once and reused across epochs, stages and runs.
A codec with different weights gets a different ``codec_id`` and so never reads stale codes.

Layout: ``ROOT/<codec_id>/<key[:2]>/<key>.npy`` (int16 where the codes fit, else int32).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from lhotse.cut import Cut

from voxtune.audio.convert import apply_channel_policy, resample
from voxtune.config import fingerprint
from voxtune.corpus.audio import load_cut_audio
from voxtune.errors import ItemError

DEFAULT_CACHE_ENV = "VOXTUNE_CACHE_DIR"


def default_cache_root() -> Path:
    """``$VOXTUNE_CACHE_DIR/codes``, else ``~/.cache/voxtune/codes``."""
    base = os.environ.get(DEFAULT_CACHE_ENV)
    return (Path(base) if base else Path.home() / ".cache" / "voxtune") / "codes"


def module_fingerprint(module: torch.nn.Module, config: Mapping[str, Any] | None = None) -> str:
    """A hash of a module's weights and buffers (and its config): the identity of a codec."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode() + str(tuple(tensor.shape)).encode() + str(tensor.dtype).encode())
        digest.update(tensor.detach().to("cpu").contiguous().view(torch.uint8).numpy().tobytes())
    digest.update(fingerprint(dict(config or {})).encode())
    return digest.hexdigest()[:16]


def content_key(samples: np.ndarray, sample_rate: int) -> str:
    """A hash of the exact samples a codec would see (shape, rate and values)."""
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    digest = hashlib.sha256(f"{samples.shape}|{sample_rate}|".encode())
    digest.update(samples.tobytes())
    return digest.hexdigest()[:32]


class CodecCache:
    """Codes for audio, computed at most once per (audio content, codec).

    ``root=None`` keeps codes in memory only (tests, one-off generation). ``encoded`` and ``hits``
    count codec runs and cache hits, so callers (and tests) can see that nothing was re-encoded.
    """

    def __init__(self, root: Path | None, codec_id: str):
        self.root = None if root is None else Path(root) / codec_id
        self.codec_id = codec_id
        self.encoded = 0
        self.hits = 0
        self._memory: dict[str, np.ndarray] = {}
        self._keys: dict[Hashable, str] = {}

    @classmethod
    def for_codec(
        cls, codec: torch.nn.Module, config: Mapping[str, Any], cache_dir: Path | None = None
    ) -> CodecCache:
        """The on-disk cache of ``codec`` (its weights and config fingerprinted), under ``cache_dir`` or
        the default root."""
        root = cache_dir if cache_dir is not None else default_cache_root()
        return cls(root, module_fingerprint(codec, config))

    def path(self, key: str) -> Path | None:
        return None if self.root is None else self.root / key[:2] / f"{key}.npy"

    def get(self, key: str) -> np.ndarray | None:
        if key in self._memory:
            return self._memory[key]
        path = self.path(key)
        if path is None or not path.is_file():
            return None
        try:
            return np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError):
            path.unlink(missing_ok=True)  # a torn file from a killed run: encode again
            return None

    def put(self, key: str, codes: np.ndarray) -> None:
        codes = np.asarray(codes)
        small = codes.size == 0 or (codes.min() >= np.iinfo(np.int16).min and codes.max() <= 32767)
        codes = codes.astype(np.int16 if small else np.int32)
        path = self.path(key)
        if path is None:
            self._memory[key] = codes
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        try:
            with tmp.open("wb") as handle:
                np.save(handle, codes, allow_pickle=False)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)

    def codes(
        self, samples: np.ndarray, sample_rate: int, encode: Callable[[np.ndarray], np.ndarray]
    ) -> np.ndarray:
        """The codes of ``samples``: from the cache, or ``encode(samples)`` stored for next time."""
        key = content_key(samples, sample_rate)
        cached = self.get(key)
        if cached is not None:
            self.hits += 1
            return cached.astype(np.int64)
        codes = np.asarray(encode(samples))
        self.encoded += 1
        self.put(key, codes)
        return codes.astype(np.int64)

    def codes_for(
        self,
        identity: Hashable,
        load: Callable[[], np.ndarray],
        sample_rate: int,
        encode: Callable[[np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """Like ``codes``, for an item known by ``identity`` (e.g. file, offset, duration): once its
        content key is known, later calls read the cache without loading the audio again."""
        key = self._keys.get(identity)
        if key is not None:
            cached = self.get(key)
            if cached is not None:
                self.hits += 1
                return cached.astype(np.int64)
        samples = load()
        self._keys[identity] = content_key(samples, sample_rate)
        return self.codes(samples, sample_rate, encode)


def cut_waveform(cut: Cut, sample_rate: int, *, mono: bool = True) -> np.ndarray:
    """The cut's audio as float32 ``(channels, samples)`` at ``sample_rate`` (one channel if ``mono``).

    Unreadable, empty or NaN audio raises an ItemError (the reader's codes), so the item goes to the
    ledger instead of stopping a run.
    """
    audio, rate = load_cut_audio(cut)
    if audio.shape[-1] == 0:
        raise ItemError("empty_audio", f"{cut.id} holds no audio samples")
    if mono:
        audio = apply_channel_policy(audio, "mix")
    return resample(audio, rate, sample_rate)
