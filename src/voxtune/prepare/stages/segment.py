"""segment: split long recordings into clips of a target length, cutting only in pauses.

Speech regions come from silero-vad (a long file streams block by block); segments are planned
between ``min_seconds`` and ``max_seconds`` (10-30 s for Moshi, 2-10 s for CSM), preferring the
longest pause near the target length; speech that cannot be cut without splitting a word goes to
the ledger. A transcript with word timings is divided between the segments word by word; one
without them stays only on a segment that holds it whole. Segments of one recording share a
``conversation`` id, and each segment keeps its speech regions for the quality stage.
"""

from __future__ import annotations

from lhotse import SupervisionSegment
from lhotse.cut import Cut
from lhotse.utils import fastcopy
from pydantic import Field, model_validator

from voxtune.audio.regions import Region
from voxtune.audio.segment import Segment, plan_segments
from voxtune.audio.vad import SileroVad, detect_speech, detect_speech_file
from voxtune.corpus import fields
from voxtune.corpus.audio import load_cut_audio, single_file
from voxtune.corpus.ledger import Rejection
from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig, StageOutput

SPEECH_REGIONS = "speech_regions"


class SegmentConfig(StageConfig):
    min_seconds: float = Field(2.0, gt=0.0)
    max_seconds: float = Field(10.0, gt=0.0)
    target_seconds: float | None = Field(None, gt=0.0)
    """Preferred length (default: the middle of the range)."""
    pad_seconds: float = Field(0.2, ge=0.0)
    """Pause kept on each side of a segment (never more than half the pause)."""
    max_pause_seconds: float = Field(3.0, gt=0.0)
    """A pause longer than this always ends a segment."""
    only_longer: bool = True
    """Items no longer than ``max_seconds`` pass through whole (single utterances stay as they are)."""
    vad_threshold: float = Field(0.5, gt=0.0, lt=1.0)
    vad_min_speech_seconds: float = Field(0.1, ge=0.0)
    vad_min_silence_seconds: float = Field(0.1, ge=0.0)

    @model_validator(mode="after")
    def _range(self) -> SegmentConfig:
        if self.min_seconds >= self.max_seconds:
            raise ValueError("min_seconds must be below max_seconds")
        return self


@register_stage
class SegmentStage(ItemStage):
    name = "segment"
    config_class = SegmentConfig
    config: SegmentConfig
    torch_threads = 1

    def setup(self) -> None:
        self.vad = SileroVad()

    def process(self, cut: Cut) -> StageOutput:
        config = self.config
        if config.only_longer and cut.duration <= config.max_seconds:
            return cut
        regions = self._speech(cut)
        if not regions:
            raise ItemError("silent", "no speech detected, so nothing to segment")
        plan = plan_segments(
            regions,
            min_seconds=config.min_seconds,
            max_seconds=config.max_seconds,
            target_seconds=config.target_seconds,
            pad_seconds=config.pad_seconds,
            max_pause_seconds=config.max_pause_seconds,
            duration=cut.duration,
        )
        out: list[Cut | Rejection] = [
            self._piece(cut, index, segment) for index, segment in enumerate(plan.segments)
        ]
        for index, rejected in enumerate(plan.rejected):
            out.append(
                Rejection(
                    id=f"{cut.id}_speech{index:04d}",
                    code=rejected.code,
                    reason=f"{rejected.reason} ({rejected.region.start:.2f}-{rejected.region.end:.2f} s)",
                    details={"start": round(rejected.region.start, 3), "end": round(rejected.region.end, 3)},
                )
            )
        if not plan.segments and not plan.rejected:
            raise ItemError("no_segments", "the speech found fits no segment of the configured lengths")
        return out

    def _speech(self, cut: Cut) -> list[Region]:
        thresholds = {
            "threshold": self.config.vad_threshold,
            "min_speech_seconds": self.config.vad_min_speech_seconds,
            "min_silence_seconds": self.config.vad_min_silence_seconds,
        }
        path = single_file(cut)
        if path is not None and cut.start == 0 and cut.duration > 600:
            return detect_speech_file(path, self.vad, **thresholds)  # streams: an hour never loads whole
        audio, rate = load_cut_audio(cut)
        return detect_speech(audio, rate, self.vad, **thresholds)

    def _piece(self, cut: Cut, index: int, segment: Segment) -> Cut:
        piece = cut.truncate(
            offset=segment.start,
            duration=segment.duration,
            keep_excessive_supervisions=False,
            preserve_id=False,
        )
        piece.id = f"{cut.id}_{index:04d}"
        sliced = [sup for sup in (_slice(s, segment, cut.start) for s in cut.supervisions) if sup is not None]
        piece.supervisions = [
            fastcopy(sup, id=piece.id if len(sliced) == 1 else f"{piece.id}_{k}")
            for k, sup in enumerate(sliced)
        ]
        custom = dict(cut.custom or {})
        custom.setdefault(fields.CONVERSATION, cut.id)
        custom.pop(fields.QUALITY, None)  # measured on the whole item; the quality stage measures segments
        custom[SPEECH_REGIONS] = [
            [round(r.start - segment.start, 3), round(r.end - segment.start, 3)] for r in segment.speech
        ]
        piece.custom = custom
        return piece


def _slice(supervision: SupervisionSegment, segment: Segment, cut_start: float) -> SupervisionSegment | None:
    """The part of a supervision inside ``segment``, re-timed to it; None when none of it is there.

    With word timings the words whose middle falls inside the segment are kept and become the text
    (their times stay on the recording's clock, lhotse's convention); without them the supervision
    is kept only when the segment holds all of it.
    """
    start, end = supervision.start, supervision.end
    if end <= segment.start or start >= segment.end:
        return None
    words = (supervision.alignment or {}).get(fields.WORD_ALIGNMENT)
    if words:
        low, high = cut_start + segment.start, cut_start + segment.end
        inside = [w for w in words if low <= (w.start + w.end) / 2 < high]
        if not inside:
            return None
        new_start, new_end = max(start, segment.start), min(end, segment.end)
        alignment = {**supervision.alignment, fields.WORD_ALIGNMENT: inside}
        alignment.pop(fields.PHONEME_ALIGNMENT, None)
        return fastcopy(
            supervision,
            start=new_start - segment.start,
            duration=new_end - new_start,
            text=" ".join(w.symbol for w in inside),
            alignment=alignment,
            custom=_word_level_custom(supervision, words, inside),
        )
    if start >= segment.start and end <= segment.end:
        return fastcopy(supervision, start=start - segment.start)
    return None


WHOLE_TEXT_FIELDS = (fields.PHONEMES, "phoneme_tags", fields.LANGUAGES, fields.SWITCHES, "phoneme_durations")
PER_WORD_FIELDS = (fields.WORD_LANGUAGES, fields.PARTICLES, fields.WORD_PHONEMES)


def _word_level_custom(
    supervision: SupervisionSegment, words: list, inside: list
) -> dict[str, object] | None:
    """Per-word fields cut to the kept words; fields about the whole text no longer apply and go."""
    custom = {k: v for k, v in (supervision.custom or {}).items() if k not in WHOLE_TEXT_FIELDS}
    first = next(i for i, w in enumerate(words) if w is inside[0])
    for key in PER_WORD_FIELDS:
        values = custom.get(key)
        if isinstance(values, list) and len(values) == len(words):
            custom[key] = values[first : first + len(inside)]
    return custom or None
