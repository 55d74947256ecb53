"""language_tags: per-word language labels and discourse particles for code-switched transcripts.

The tags line up with ``voxtune.text.words.split_words(text)``; sentence stats (languages present,
switches) feed curriculum filters such as "single language only".
"""

from __future__ import annotations

import csv
import json
from functools import cached_property
from pathlib import Path

from lhotse.cut import Cut
from pydantic import field_validator

from voxtune.config import RecipePath
from voxtune.corpus import fields
from voxtune.errors import ConfigError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.prepare.supervisions import language_of, transcribed, update_custom
from voxtune.text.language_tags import LanguageTagger, sentence_stats
from voxtune.text.languages import canonical_language


class LanguageTagsConfig(StageConfig):
    mixed_with: dict[str, list[str]] = {}
    """Languages an item's words may switch into, by the item's language (e.g. ``{ms: [en]}``)."""
    lexicon: RecipePath | None = None
    """A csv/tsv (word, language) or JSON {word: language} file whose words override detection."""
    words: dict[str, str] = {}
    """Inline overrides, word -> language."""
    particles: bool = True
    """Tag discourse particles (lah, leh, lor, ...) for languages that have a particle lexicon."""

    @field_validator("mixed_with")
    @classmethod
    def _known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {
            canonical_language(main): [canonical_language(c) for c in others]
            for main, others in value.items()
        }


def read_lexicon(path: Path) -> dict[str, str]:
    """A word -> language lexicon from JSON or a two-column csv/tsv."""
    if not path.is_file():
        raise ConfigError("lexicon file not found", path=path)
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ConfigError("a JSON lexicon must map words to language codes", path=path)
        return {str(word): str(code) for word, code in data.items()}
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle, delimiter=delimiter) if len(row) >= 2}


@register_stage
class LanguageTags(ItemStage):
    name = "language_tags"
    config_class = LanguageTagsConfig
    config: LanguageTagsConfig

    @cached_property
    def _lexicon(self) -> dict[str, str]:
        lexicon = read_lexicon(self.config.lexicon) if self.config.lexicon else {}
        return {**lexicon, **self.config.words}

    def setup(self) -> None:
        self._taggers: dict[tuple[str, ...], LanguageTagger] = {}
        self._lexicon  # noqa: B018 - read the lexicon file once, before the first item

    def _tagger(self, item_language: str) -> LanguageTagger:
        languages = tuple(dict.fromkeys([item_language, *self.config.mixed_with.get(item_language, [])]))
        if languages not in self._taggers:
            self._taggers[languages] = LanguageTagger(
                languages, user_lexicon=self._lexicon, particles=None if self.config.particles else {}
            )
        return self._taggers[languages]

    def process(self, cut: Cut) -> Cut:
        for supervision in transcribed(cut):
            tags = self._tagger(language_of(supervision)).tag(supervision.text or "")
            stats = sentence_stats(tags)
            update_custom(
                supervision,
                **{
                    fields.WORD_LANGUAGES: [tag.label for tag in tags],
                    fields.PARTICLES: [tag.particle_kind for tag in tags],
                    fields.LANGUAGES: list(stats.languages),
                    fields.SWITCHES: stats.switches,
                },
            )
        return cut
