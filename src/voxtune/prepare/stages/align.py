"""align: word or phoneme timings by CTC forced alignment, and per-phoneme durations in frames.

Word level uses any character CTC model (e.g. a wav2vec2 ASR model); phoneme level uses an
espeak-phoneme recogniser (e.g. ``facebook/wav2vec2-lv-60-espeak-cv-ft``) over the phonemes the
``phonemise`` stage wrote. A ``star`` token absorbs speech the transcript does not cover.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from lhotse import SupervisionSegment
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from pydantic import Field

from voxtune.align.aligner import CtcAligner
from voxtune.align.durations import count_frames, frame_durations
from voxtune.align.results import WordAlignment
from voxtune.corpus import fields
from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.prepare.supervisions import transcribed, update_custom
from voxtune.text.g2p import split_phonemes
from voxtune.text.g2p.symbols import STRESS_MARKS
from voxtune.text.words import split_words

PHONEME_DURATIONS = "phoneme_durations"


class AlignConfig(StageConfig):
    model: str
    """Hub id or local folder of a CTC model with its processor."""
    level: Literal["words", "phonemes"] = "words"
    star: Literal["none", "edges", "words"] = "edges"
    """Where a wildcard may absorb untranscribed speech: nowhere, before/after, or between words."""
    device: str = "cpu"
    chunk_seconds: float = Field(20.0, gt=1.0)
    min_score: float = Field(0.0, ge=0.0, le=1.0)
    """Reject items whose mean word alignment score (frame probability) is below this."""
    hop_length: int | None = Field(None, ge=1)
    """With phoneme level: also store per-phoneme durations in frames of this hop (e.g. 300)."""
    frame_sample_rate: int = 24000
    """Sample rate the hop is counted at (the target model's)."""


@register_stage
class Align(ItemStage):
    name = "align"
    config_class = AlignConfig
    config: AlignConfig

    def setup(self) -> None:
        self.aligner = CtcAligner.from_pretrained(
            self.config.model, device=self.config.device, chunk_seconds=self.config.chunk_seconds
        )

    def process(self, cut: Cut) -> Cut:
        audio = cut.load_audio()
        for supervision in transcribed(cut):
            start = round(supervision.start * cut.sampling_rate)
            stop = start + round(supervision.duration * cut.sampling_rate)
            samples = audio[:, start:stop].mean(axis=0)
            result = self._align(samples, cut.sampling_rate, supervision)
            self._store(supervision, result, samples.shape[0], cut.sampling_rate, cut.start)
        return cut

    def _align(self, samples: np.ndarray, rate: int, supervision: SupervisionSegment) -> WordAlignment:
        words = [word.text for word in split_words(supervision.text or "")]
        if self.config.level == "words":
            return self.aligner.align_words(samples, rate, words, star=self.config.star)
        per_word = (supervision.custom or {}).get(fields.WORD_PHONEMES)
        if not per_word or len(per_word) != len(words):
            raise ItemError(
                "missing_phonemes", "phoneme alignment needs the phonemise stage's per-word IPA before it"
            )
        symbols = [[s for s in split_phonemes(ipa) if s != " "] for ipa in per_word]
        return self.aligner.align_phonemes(
            samples, rate, symbols, words=words, skip=STRESS_MARKS, star=self.config.star
        )

    def _store(
        self,
        supervision: SupervisionSegment,
        result: WordAlignment,
        samples: int,
        rate: int,
        cut_start: float,
    ) -> None:
        score = float(np.mean([word.score for word in result.words])) if result.words else 0.0
        if score < self.config.min_score:
            raise ItemError(
                "poor_alignment",
                f"mean alignment score {score:.2f} is below {self.config.min_score}: "
                "the transcript may not match the audio",
                score=round(score, 3),
            )
        offset = cut_start + supervision.start  # alignment times count from the recording's start
        alignment = dict(supervision.alignment or {})
        alignment[fields.WORD_ALIGNMENT] = [
            AlignmentItem(word.text, offset + word.start, word.end - word.start, round(word.score, 4))
            for word in result.words
        ]
        if self.config.level == "phonemes":
            units = [unit for unit in result.units if unit.label not in STRESS_MARKS]
            alignment[fields.PHONEME_ALIGNMENT] = [
                AlignmentItem(unit.label, offset + unit.start, unit.end - unit.start, round(unit.score, 4))
                for unit in units
            ]
            if self.config.hop_length:
                frames = frame_durations(
                    [(unit.start, unit.end) for unit in units],
                    total_frames=count_frames(
                        int(samples * self.config.frame_sample_rate / rate), self.config.hop_length
                    ),
                    hop_length=self.config.hop_length,
                    sample_rate=self.config.frame_sample_rate,
                )
                update_custom(supervision, **{PHONEME_DURATIONS: frames})
        supervision.alignment = alignment
