"""validate_text: reject transcripts in the wrong script, with stray symbols, or implausible for the audio."""

from __future__ import annotations

from lhotse.cut import Cut
from pydantic import Field, field_validator

from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.prepare.supervisions import language_of, transcribed
from voxtune.text.languages import canonical_language
from voxtune.text.scripts import check_transcript


class ValidateTextConfig(StageConfig):
    language: str | None = None
    """Language for items that name none."""
    min_letters: int = Field(2, ge=0)
    allow_digits: bool = False
    """Digits are an error after spoken-form normalisation; allow them to validate raw transcripts."""
    check_rate: bool = True
    """Reject text implausibly fast or slow for the audio's duration (letters per second)."""
    ignore: list[str] = []
    """Problem codes to tolerate (e.g. ``foreign_script`` for Telugu with English words)."""

    @field_validator("language")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return None if value is None else canonical_language(value)


@register_stage
class ValidateText(ItemStage):
    name = "validate_text"
    config_class = ValidateTextConfig
    config: ValidateTextConfig

    def process(self, cut: Cut) -> Cut:
        for supervision in transcribed(cut):
            language = language_of(supervision, self.config.language)
            problems = check_transcript(
                supervision.text or "",
                language,
                duration_s=supervision.duration if self.config.check_rate else None,
                min_letters=self.config.min_letters,
                allow_digits=self.config.allow_digits,
            )
            problems = [p for p in problems if p.code not in self.config.ignore]
            if problems:
                first = problems[0]
                reason = "; ".join(p.reason for p in problems)
                raise ItemError(first.code, reason, **first.details)
        return cut
