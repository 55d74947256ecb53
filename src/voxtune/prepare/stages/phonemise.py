"""phonemise: espeak-ng IPA (or Kokoro's misaki symbols) per word, with per-phoneme language tags.

``phoneme_tags`` has one entry per symbol of ``phonemes`` (``split_phonemes`` for IPA, characters
for misaki), ``None`` on the spaces between words.

Code-switched items (tagged by ``language_tags``) are phonemised word run by word run with each
language's voice. Words espeak cannot handle are recorded on the item and counted in the stage's
``phonemes.json`` (inventory and coverage), and reject the item when listed in ``reject``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal

from lhotse import CutSet
from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import write_json
from voxtune.errors import ItemError
from voxtune.prepare.registry import register_stage
from voxtune.prepare.stage import ItemStage, StageConfig
from voxtune.prepare.supervisions import language_of, transcribed, update_custom
from voxtune.text.g2p import (
    EMPTY,
    LANGUAGE_SWITCH,
    SPELLED,
    Phonemized,
    misaki_words,
    phonemize,
    phonemize_code_switched,
    split_phonemes,
)
from voxtune.text.g2p.symbols import STRESS_MARKS
from voxtune.text.language_tags import PARTICLE, spread_to_phonemes
from voxtune.text.words import split_words

G2P_ISSUES = "g2p_issues"
PHONEME_TAGS = "phoneme_tags"


class PhonemiseConfig(StageConfig):
    output: Literal["ipa", "misaki"] = "ipa"
    """``ipa``: espeak IPA with stress; ``misaki``: Kokoro's phoneme symbols."""
    british: bool = False
    """misaki output: British English vowels."""
    code_switched: bool = True
    """Use per-word languages from ``language_tags`` when the item has them."""
    reject: list[Literal["empty", "spelled", "language_switch"]] = ["empty"]
    """Reject items with a word espeak gave nothing for / spelled out / read in another language."""


@register_stage
class Phonemise(ItemStage):
    name = "phonemise"
    config_class = PhonemiseConfig
    config: PhonemiseConfig

    def process(self, cut: Cut) -> Cut:
        for supervision in transcribed(cut):
            language = language_of(supervision)
            words = [word.text for word in split_words(supervision.text or "")]
            word_languages = (supervision.custom or {}).get(fields.WORD_LANGUAGES)
            if self.config.code_switched and word_languages and len(word_languages) == len(words):
                voices = [language if label == PARTICLE else label for label in word_languages]
                result = phonemize_code_switched(words, voices)
            else:
                result = phonemize(words, language)
            self._check(result)
            per_word = self._per_word(result)
            values: dict[str, object] = {
                fields.PHONEMES: " ".join(p for p in per_word if p),
                fields.WORD_PHONEMES: per_word,
                G2P_ISSUES: [[index, issue.kind, issue.detail] for index, issue in result.issues],
            }
            if word_languages and len(word_languages) == len(per_word):
                # one tag per symbol of the phonemes string (split_phonemes for IPA, characters for misaki)
                symbols = (
                    per_word if self.config.output == "misaki" else [split_phonemes(w) for w in per_word]
                )
                values[PHONEME_TAGS] = spread_to_phonemes(word_languages, symbols, boundary=None)
            update_custom(supervision, **values)
        return cut

    def _per_word(self, result: Phonemized) -> list[str]:
        if self.config.output == "misaki":
            return misaki_words(result, british=self.config.british)
        return [word.ipa for word in result.words]

    def _check(self, result: Phonemized) -> None:
        wanted = {"empty": EMPTY, "spelled": SPELLED, "language_switch": LANGUAGE_SWITCH}
        rejecting = {wanted[name] for name in self.config.reject}
        for index, issue in result.issues:
            if issue.kind in rejecting:
                word = result.words[index].word
                detail = f" ({issue.detail})" if issue.detail else ""
                raise ItemError(
                    f"g2p_{issue.kind}",
                    f"espeak-ng could not phonemise '{word}': {issue.kind}{detail}; "
                    "normalise or respell the word, or allow it with the stage's 'reject' setting",
                    word=word,
                )

    def finalize(self, cuts: CutSet) -> Iterator[Cut | Rejection]:
        """Count the phoneme inventory and espeak's coverage over the corpus into phonemes.json."""
        inventory: Counter[str] = Counter()
        issues: Counter[str] = Counter()
        words = words_with_issues = 0
        for cut in cuts:
            for supervision in cut.supervisions:
                custom = supervision.custom or {}
                for phonemes in custom.get(fields.WORD_PHONEMES, []):
                    symbols = list(phonemes) if self.config.output == "misaki" else split_phonemes(phonemes)
                    inventory.update(s for s in symbols if s != " " and s not in STRESS_MARKS)
                    words += 1
                flagged = custom.get(G2P_ISSUES, [])
                words_with_issues += len({index for index, _, _ in flagged})
                issues.update(kind for _, kind, _ in flagged)
            yield cut
        write_json(
            {
                "output": self.config.output,
                "words": words,
                "coverage": 1.0 if not words else 1 - words_with_issues / words,
                "issues": dict(issues),
                "inventory": dict(inventory.most_common()),
            },
            self.context.work_dir / "phonemes.json",
        )
