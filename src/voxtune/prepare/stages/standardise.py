"""standardise: one channel layout, one sample rate, one loudness; optional edge trim and denoise.

Mimi-based models (CSM, Moshi, Kyutai STT) want 24 kHz, Whisper 16 kHz; loudness goes to a target
LUFS with a true-peak ceiling (one gain per file: no limiter, no pumping). Files longer than
``stream_above_seconds`` are processed block by block in two passes (measure, then write), so a
10-hour recording never sits in memory.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf
import soxr
from lhotse.cut import Cut
from pydantic import Field

from voxtune.audio.convert import apply_channel_policy, resample
from voxtune.audio.denoise import denoise
from voxtune.audio.io import audio_info, read_audio_blocks, write_audio
from voxtune.audio.levels import clipping_ratio
from voxtune.audio.loudness import StreamingLoudness, normalize_loudness
from voxtune.audio.trim import trim_silence
from voxtune.corpus import fields
from voxtune.corpus.audio import cut_over_file, load_cut_audio, single_file
from voxtune.corpus.manifest import atomic_output
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig

ChannelChoice = Literal["mix", "keep", "loudest"] | int


class StandardiseConfig(StageConfig):
    sample_rate: int = Field(24000, ge=8000, le=192000)
    """24000 for Mimi-based models (CSM, Moshi, Kyutai STT), 16000 for Whisper, 22050 on request."""
    channels: ChannelChoice = "mix"
    """``mix`` down, ``keep`` (stereo for Moshi), the ``loudest`` channel, or a channel index."""
    loudness: float | None = Field(-23.0, ge=-70.0, le=0.0)
    """Target integrated loudness in LUFS; ``null`` keeps the level."""
    true_peak: float = Field(-1.0, le=0.0)
    """Ceiling in dBTP that the loudness gain may not push the 4x true peak over."""
    subtype: Literal["PCM_16", "PCM_24", "FLOAT"] = "PCM_16"
    format: Literal["flac", "wav"] = "flac"
    trim: bool = False
    """Cut leading and trailing silence (word timings move with it)."""
    trim_margin: float = Field(0.1, ge=0.0)
    denoise: bool = False
    """Spectral-gating noise reduction (noisereduce; slow, ~80x real time)."""
    denoise_strength: float = Field(0.8, gt=0.0, le=1.0)
    resample_quality: Literal["HQ", "VHQ", "MQ", "LQ", "QQ"] = "HQ"
    stream_above_seconds: float = Field(900.0, gt=10.0)
    """Longer files are processed block by block instead of in memory (trim and denoise then skip)."""


@register_stage
class Standardise(ItemStage):
    name = "standardise"
    config_class = StandardiseConfig
    config: StandardiseConfig

    def process(self, cut: Cut) -> Cut:
        target = self.context.audio_dir / f"{cut.id}.{self.config.format}"
        source = single_file(cut)
        if source is not None and cut.duration > self.config.stream_above_seconds and _is_whole(cut, source):
            report = self._stream(source, target)
            shift = 0.0
        else:
            audio, rate = load_cut_audio(cut)
            audio, shift, report = self._in_memory(audio, rate)
            write_audio(target, audio, self.config.sample_rate, subtype=self.config.subtype)
        new = cut_over_file(cut, target, shift)
        quality = dict((new.custom or {}).get(fields.QUALITY) or {})
        quality.update(report)
        new.custom = {**(new.custom or {}), fields.QUALITY: quality}
        return new

    def _in_memory(self, audio: np.ndarray, rate: int) -> tuple[np.ndarray, float, dict[str, float]]:
        config = self.config
        # measured before resampling, whose ringing smooths the flat tops that reveal clipping
        report: dict[str, float] = {"input_clipping_ratio": round(clipping_ratio(audio), 5)}
        audio = apply_channel_policy(audio, config.channels)
        if rate != config.sample_rate:
            audio = resample(audio, rate, config.sample_rate, quality=config.resample_quality)
        shift = 0.0
        if config.trim:
            audio, kept = trim_silence(audio, config.sample_rate, margin_seconds=config.trim_margin)
            shift = kept.start
        if config.denoise:
            audio = denoise(audio, config.sample_rate, strength=config.denoise_strength)
        if config.loudness is not None:
            result = normalize_loudness(
                audio,
                config.sample_rate,
                target_lufs=config.loudness,
                true_peak_ceiling_dbtp=config.true_peak,
            )
            audio = result.audio
            report.update(input_lufs=_finite(result.input_lufs), gain_db=round(result.gain_db, 2))
        return audio, shift, report

    def _stream(self, source: Path, target: Path) -> dict[str, float]:
        """Two passes over blocks: measure loudness and true peak, then resample, scale and write."""
        config = self.config
        info = audio_info(source)
        gain_db = 0.0
        report: dict[str, float] = {}
        if config.loudness is not None:
            meter: StreamingLoudness | None = None
            for block in read_audio_blocks(source, info=info):
                block = apply_channel_policy(block, config.channels)
                meter = meter or StreamingLoudness(info.sample_rate, block.shape[0])
                meter.add(block)
            assert meter is not None
            measured = meter.loudness()
            if math.isfinite(measured):
                gain_db = min(config.loudness - measured, config.true_peak - meter.true_peak_dbtp)
            report = {"input_lufs": _finite(measured), "gain_db": round(gain_db, 2)}
        scale = np.float32(10 ** (gain_db / 20))
        stream: soxr.ResampleStream | None = None
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(target) as tmp:
            writer: sf.SoundFile | None = None
            try:
                for block in read_audio_blocks(source, info=info):
                    block = apply_channel_policy(block, config.channels)
                    if stream is None and info.sample_rate != config.sample_rate:
                        stream = soxr.ResampleStream(
                            info.sample_rate, config.sample_rate, block.shape[0], dtype="float32",
                            quality=config.resample_quality,
                        )  # fmt: skip
                    writer = writer or sf.SoundFile(
                        str(tmp),
                        "w",
                        config.sample_rate,
                        block.shape[0],
                        config.subtype,
                        format=config.format.upper(),
                    )
                    writer.write(_scaled(block, stream, scale, last=False))
                if stream is not None and writer is not None:
                    writer.write(
                        _scaled(np.zeros((writer.channels, 0), np.float32), stream, scale, last=True)
                    )
            finally:
                if writer is not None:
                    writer.close()
        return report


def _scaled(
    block: np.ndarray, stream: soxr.ResampleStream | None, scale: np.float32, *, last: bool
) -> np.ndarray:
    frames = np.ascontiguousarray(block.T)
    if stream is not None:
        frames = stream.resample_chunk(frames, last=last)
    return np.clip(frames * scale, -1.0, 1.0)


def _is_whole(cut: Cut, path: Path) -> bool:
    return cut.start == 0 and abs(cut.duration - audio_info(path).duration) < 1e-3


def _finite(value: float) -> float:
    return round(value, 2) if math.isfinite(value) else -120.0
