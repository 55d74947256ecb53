"""quality: measure every item (SNR two ways, clipping, DC, silence, bandwidth, speech) and gate on it.

SNR comes from the VAD's own speech/pause split (not "the first 0.5 s is noise"), with WADA-SNR as
the second opinion; bandwidth catches 8 kHz phone audio upsampled to 24 kHz. Scores are stored in
``custom["quality"]`` and speech regions in ``custom["speech_regions"]`` (the segment stage reuses
them). Each failed threshold names the measured value. ``reject: false`` only measures.
"""

from __future__ import annotations

from lhotse.cut import Cut
from pydantic import Field

from voxtune.audio.io import read_audio_blocks
from voxtune.audio.quality import QualityScores, combine_blocks, measure_quality
from voxtune.audio.regions import Region
from voxtune.audio.vad import SileroVad, detect_speech
from voxtune.corpus import fields
from voxtune.corpus.audio import load_cut_audio, single_file
from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig

SPEECH_REGIONS = "speech_regions"


class QualityConfig(StageConfig):
    min_duration: float = Field(0.3, ge=0.0)
    max_duration: float | None = Field(None, gt=0.0)
    min_speech_seconds: float = Field(0.15, ge=0.0)
    """Less detected speech than this is rejected as silent."""
    min_snr_db: float | None = 15.0
    max_clipping: float | None = Field(0.001, ge=0.0)
    """Largest fraction of samples in flat-topped runs at the signal's peak."""
    max_dc_offset: float | None = Field(0.05, ge=0.0)
    max_silence_ratio: float | None = Field(0.9, ge=0.0, le=1.0)
    min_bandwidth_hz: float | None = Field(5000.0, ge=0.0)
    """Effective bandwidth below this means narrowband (phone) audio, e.g. 8 kHz upsampled."""
    dnsmos: bool = False
    """Also run DNSMOS P.835 (speechmos; about 20x real time on CPU)."""
    min_dnsmos_ovrl: float | None = Field(3.0, ge=1.0, le=5.0)
    vad_threshold: float = Field(0.5, gt=0.0, lt=1.0)
    vad_min_speech_seconds: float = Field(0.1, ge=0.0)
    block_seconds: float = Field(60.0, ge=5.0)
    """Items longer than 10 blocks are measured block by block, never loaded whole."""
    reject: bool = True


@register_stage
class Quality(ItemStage):
    name = "quality"
    config_class = QualityConfig
    config: QualityConfig
    torch_threads = 1

    def setup(self) -> None:
        self.vad = SileroVad()

    def process(self, cut: Cut) -> Cut:
        config = self.config
        if cut.duration < config.min_duration:
            raise ItemError(
                "too_short",
                f"{cut.duration:.2f} s is shorter than {config.min_duration} s",
                duration=cut.duration,
            )
        scores, regions = self._measure(cut)
        earlier = (cut.custom or {}).get(fields.QUALITY) or {}  # e.g. clipping measured by standardise
        values = {**earlier, **scores.as_dict()}
        if config.dnsmos:
            values.update(self._dnsmos(cut))
        cut.custom = {
            **(cut.custom or {}),
            fields.QUALITY: values,
            SPEECH_REGIONS: [[round(r.start, 3), round(r.end, 3)] for r in regions],
        }
        if config.reject:
            failures = self._failures(scores, values)
            if failures:
                code, reason, value = failures[0]
                extra = f" (also: {'; '.join(r for _, r, _ in failures[1:])})" if len(failures) > 1 else ""
                raise ItemError(code, reason + extra, measured=value)
        return cut

    def _thresholds(self) -> dict[str, float]:
        return {
            "threshold": self.config.vad_threshold,
            "min_speech_seconds": self.config.vad_min_speech_seconds,
        }

    def _measure(self, cut: Cut) -> tuple[QualityScores, list[Region]]:
        block = self.config.block_seconds
        path = single_file(cut)
        if path is not None and cut.duration > 10 * block and cut.start == 0:
            pieces, regions, offset = [], [], 0.0
            for samples in read_audio_blocks(path, block_seconds=block):
                local = detect_speech(samples, cut.sampling_rate, self.vad, **self._thresholds())
                seconds = samples.shape[1] / cut.sampling_rate
                pieces.append((measure_quality(samples, cut.sampling_rate, local), seconds))
                regions += [Region(offset + r.start, offset + r.end) for r in local]
                offset += seconds
            return combine_blocks(pieces), regions
        audio, rate = load_cut_audio(cut)
        known = (cut.custom or {}).get(SPEECH_REGIONS)  # the segment stage found them already
        if known is not None:
            regions = [Region(start, end) for start, end in known]
        else:
            regions = detect_speech(audio, rate, self.vad, **self._thresholds())
        return measure_quality(audio, rate, regions), regions

    def _dnsmos(self, cut: Cut) -> dict[str, float]:
        from voxtune.evaluate.metrics.quality import dnsmos

        audio, rate = load_cut_audio(cut)
        scores = dnsmos(audio.mean(axis=0), rate)
        return {f"dnsmos_{key}": round(getattr(scores, key), 3) for key in ("sig", "bak", "ovrl", "p808")}

    def _failures(
        self, scores: QualityScores, values: dict[str, float | None]
    ) -> list[tuple[str, str, float]]:
        """Every threshold the item fails, most telling first: (code, reason, measured value)."""
        config = self.config
        checks: list[tuple[str, str, float]] = []
        if scores.speech_seconds < config.min_speech_seconds:
            checks.append(
                ("silent", f"only {scores.speech_seconds:.2f} s of speech detected", scores.speech_seconds)
            )
        if config.max_duration is not None and scores.duration > config.max_duration:
            checks.append(
                ("too_long", f"{scores.duration:.1f} s is over {config.max_duration} s", scores.duration)
            )
        clipped = max(scores.clipping_ratio, values.get("input_clipping_ratio") or 0.0)
        if config.max_clipping is not None and clipped > config.max_clipping:
            checks.append(("clipping", f"{clipped:.2%} of samples are clipped", clipped))
        if config.max_dc_offset is not None and abs(scores.dc_offset) > config.max_dc_offset:
            checks.append(("dc_offset", f"DC offset {scores.dc_offset:+.3f} of full scale", scores.dc_offset))
        if config.min_bandwidth_hz is not None and scores.bandwidth_hz < config.min_bandwidth_hz:
            checks.append(
                (
                    "low_bandwidth",
                    f"audio carries nothing above {scores.bandwidth_hz:.0f} Hz (narrowband, e.g. phone audio "
                    "upsampled)",
                    scores.bandwidth_hz,
                )
            )
        snr = scores.snr_db
        if config.min_snr_db is not None and snr is not None and snr < config.min_snr_db:
            checks.append(("low_snr", f"SNR {snr:.1f} dB is below {config.min_snr_db} dB", snr))
        if config.max_silence_ratio is not None and scores.silence_ratio > config.max_silence_ratio:
            checks.append(
                ("mostly_silence", f"{scores.silence_ratio:.0%} of frames are silent", scores.silence_ratio)
            )
        ovrl = values.get("dnsmos_ovrl")
        if (
            config.dnsmos
            and config.min_dnsmos_ovrl is not None
            and ovrl is not None
            and ovrl < config.min_dnsmos_ovrl
        ):
            checks.append(
                ("low_dnsmos", f"DNSMOS overall {ovrl:.2f} is below {config.min_dnsmos_ovrl}", ovrl)
            )
        return checks
