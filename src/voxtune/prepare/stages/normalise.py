"""normalise: spoken-form training text per language (numbers by context, symbols, whitespace).

"order 1296803" becomes "order one two nine six eight zero three", so models learn to say (or write)
digits as words. Word timings follow the text: a token that became several words has its time span
split across them. The text as it came in stays in ``text_original``.
"""

from __future__ import annotations

from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem
from pydantic import field_validator

from voxtune.corpus import fields
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.prepare.supervisions import language_of, transcribed, update_custom
from voxtune.text.languages import canonical_language
from voxtune.text.normalise import ensure_spoken, normalise, realign_words


class NormaliseConfig(StageConfig):
    language: str | None = None
    """Language for items that name none."""
    strip_emoji: bool = False
    """Drop emoji instead of rejecting the item."""

    @field_validator("language")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return None if value is None else canonical_language(value)


@register_stage
class Normalise(ItemStage):
    name = "normalise"
    config_class = NormaliseConfig
    config: NormaliseConfig

    def process(self, cut: Cut) -> Cut:
        for supervision in transcribed(cut):
            language = language_of(supervision, self.config.language)
            result = normalise(supervision.text or "", language, strip_emoji=self.config.strip_emoji)
            ensure_spoken(result.text, language)
            words = (supervision.alignment or {}).get(fields.WORD_ALIGNMENT)
            if words:
                timed = realign_words([(w.symbol, w.start, w.end) for w in words], result)
                supervision.alignment = {
                    **supervision.alignment,
                    fields.WORD_ALIGNMENT: [AlignmentItem(w, s, e - s) for w, s, e in timed],
                }
            original = (supervision.custom or {}).get(fields.TEXT_ORIGINAL) or supervision.text
            update_custom(supervision, **{fields.TEXT_ORIGINAL: original})
            supervision.text = result.text
            supervision.language = language
        return cut
