"""What a suite runs the systems on: test items from a corpus split, regression and confusion sentences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lhotse.cut import Cut

from voxtune.corpus import Corpus, fields
from voxtune.errors import ConfigError, InputError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.suite.config import ConfusionSpec, EvalConfig, RegressionSpec
from voxtune.text.languages import UnsupportedLanguageError, canonical_language

TEST = "test"
REGRESSION = "regression"
CONFUSION = "confusion"


@dataclass(frozen=True)
class EvalItem:
    """One thing to synthesise or transcribe, with what it is scored against.

    ``cut`` (test items only) holds the reference recording, its word timings and labels.
    """

    id: str
    set: str
    text: str | None
    language: str | None
    speaker: str | None = None
    cut: Cut | None = None

    @property
    def emotion(self) -> str | None:
        if self.cut is None or not self.cut.supervisions:
            return None
        value = (self.cut.supervisions[0].custom or {}).get(fields.EMOTION)
        return str(value) if value else None

    def reference_audio(self) -> tuple[np.ndarray, int]:
        """The recorded audio as mono float32 and its rate; UnscorableError ``missing_reference``."""
        if self.cut is None or not self.cut.has_recording:
            raise UnscorableError("missing_reference", f"{self.id} has no reference recording")
        try:
            audio = np.asarray(self.cut.load_audio(), dtype=np.float32)
        except Exception as exc:  # lhotse raises many kinds for a missing or broken file
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UnscorableError(
                "missing_reference", f"the reference audio of {self.id} cannot be read: {first_line}"
            ) from None
        samples = audio.mean(axis=0) if audio.ndim == 2 else audio
        return samples, int(self.cut.sampling_rate)


def _language(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return canonical_language(code)
    except UnsupportedLanguageError:
        return code.lower()


def _item_from_cut(cut: Cut) -> EvalItem:
    sup = cut.supervisions[0] if cut.supervisions else None
    text = " ".join((s.text or "").strip() for s in cut.supervisions).strip() or None
    return EvalItem(
        id=cut.id,
        set=TEST,
        text=text,
        language=_language(sup.language if sup else None),
        speaker=sup.speaker if sup else None,
        cut=cut,
    )


def spread_over_languages(
    items: Sequence[EvalItem], max_items: int | None, per_language: int | None = None
) -> list[EvalItem]:
    """At most ``max_items`` items taken round-robin over languages (each language's items by id), so
    a small evaluation still covers every language; ``per_language`` caps each language."""
    groups: dict[str | None, list[EvalItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.id):
        if per_language is None or len(groups[item.language]) < per_language:
            groups[item.language].append(item)
    queues = [groups[key] for key in sorted(groups, key=lambda k: (k is None, k or ""))]
    chosen: list[EvalItem] = []
    depth = 0
    while any(depth < len(q) for q in queues):
        for queue in queues:
            if depth < len(queue):
                chosen.append(queue[depth])
        depth += 1
    return chosen if max_items is None else chosen[:max_items]


@dataclass(frozen=True)
class ItemSelection:
    items: list[EvalItem]
    notes: list[str]
    speakers: list[str]
    """Every speaker in the corpus (so speaker ids are numbered as in training)."""


def select_test_items(config: EvalConfig) -> ItemSelection:
    """The corpus items of ``config.split`` (all items when the corpus has no split field, noted)."""
    if config.corpus is None:
        return ItemSelection([], [], [])
    corpus = Corpus.open(config.corpus)
    cuts = list(corpus.cuts())
    notes: list[str] = []
    if config.split is None:
        chosen = cuts
    else:
        chosen = [c for c in cuts if (c.custom or {}).get(fields.SPLIT) == config.split]
        if not chosen:
            if any((c.custom or {}).get(fields.SPLIT) for c in cuts):
                raise InputError(
                    f"the corpus has no items in split '{config.split}'",
                    path=corpus.root,
                    hint="Add a split stage with a test share to the prepare recipe, or set split: null",
                )
            chosen = cuts
            notes.append(
                f"the corpus has no split field: all {len(cuts)} items are evaluated, and the adapters "
                "may have been trained on them"
            )
    items = [_item_from_cut(c) for c in chosen]
    if config.languages:
        wanted = {_language(code) for code in config.languages}
        items = [i for i in items if i.language in wanted]
    selected = spread_over_languages(items, config.max_items, config.max_items_per_language)
    if len(selected) < len(items):
        notes.append(
            f"{len(selected)} of {len(items)} test items evaluated (max_items), spread over languages"
        )
    if not selected:
        raise InputError("no test items to evaluate after the split and language filters", path=corpus.root)
    speakers = sorted({s.speaker for c in cuts for s in c.supervisions if s.speaker})
    return ItemSelection(selected, notes, speakers)


def regression_items(spec: RegressionSpec) -> list[EvalItem]:
    """The regression sentences (in the base model's language), with ids ``regression-000``..."""
    sentences = list(spec.sentences)
    if spec.file is not None:
        path = Path(spec.file)
        if not path.is_file():
            raise ConfigError("regression sentence file not found", path=path)
        sentences += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    language = _language(spec.language)
    return [
        EvalItem(f"{REGRESSION}-{index:03d}", REGRESSION, text, language, spec.speaker)
        for index, text in enumerate(sentences)
    ]


def confusion_items(
    spec: ConfusionSpec, languages: Iterable[str], corpus_items: Sequence[EvalItem]
) -> list[EvalItem]:
    """Sentences for each confusion language: the config's, else texts of corpus items in it.

    ``corpus_items`` are tried in order (test items first), skipping repeated texts.
    """
    items: list[EvalItem] = []
    for language in languages:
        given = spec.sentences.get(language)
        speaker = spec.speakers.get(language)
        if given:
            chosen = [(text, speaker) for text in given]
        else:
            chosen, seen = [], set()
            for item in corpus_items:
                if item.language == language and item.text and item.text not in seen:
                    seen.add(item.text)
                    chosen.append((item.text, speaker or item.speaker))
                if len(chosen) >= spec.per_language:
                    break
        if not chosen:
            raise ConfigError(
                f"confusion: no sentences in {language}",
                hint=f"Give confusion.sentences.{language}, or a corpus with {language} items",
            )
        items += [
            EvalItem(f"{CONFUSION}-{language}-{index:03d}", CONFUSION, text, language, who)
            for index, (text, who) in enumerate(chosen)
        ]
    return items


def corpus_items_for_confusion(config: EvalConfig, test: Sequence[EvalItem]) -> list[EvalItem]:
    """Test items first, then every other corpus item (confusion sentences may come from any split)."""
    if config.corpus is None:
        return list(test)
    rest = [_item_from_cut(c) for c in Corpus.open(config.corpus).cuts()]
    seen = {i.id for i in test}
    return [*test, *sorted((i for i in rest if i.id not in seen), key=lambda i: i.id)]
