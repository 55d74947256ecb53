"""Word and character error rates (jiwer 4), with one text normalisation applied to both sides.

Two aggregates are reported and named apart because they answer different questions:

* ``corpus_rate`` = total edits / total reference units (what ASR papers call WER; long
  utterances weigh more);
* ``mean_utterance_rate`` = the mean of per-utterance rates (every utterance weighs the same;
  what a bootstrap over utterances resamples).

Items whose reference is missing (``None``) or empty after normalisation are not scored: they are
listed in ``failures``. A missing hypothesis (``None``: the system produced nothing) is scored as an
empty string, i.e. all deletions, so that failures of the system cannot flatter its score.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import jiwer

from voxtune.evaluate.errors import ItemFailure

Normaliser = Callable[[str], str]

_APOSTROPHES = frozenset("'’ʼ`´")
_TURKIC_LANGUAGES = frozenset({"tr", "az"})


def normalise_text(text: str, language: str | None = None) -> str:
    """Default scoring normalisation: NFC, casefold, punctuation removed, whitespace collapsed.

    Apostrophes are deleted (``don't`` -> ``dont``) and other punctuation becomes a space
    (``code-switching`` -> ``code switching``). Combining marks are kept, so Indic and other
    abugida scripts are untouched apart from punctuation such as the danda. ``language`` (ISO
    639-1) selects language-specific casing: Turkish and Azerbaijani dotted/dotless i.
    """
    text = unicodedata.normalize("NFC", text)
    if language in _TURKIC_LANGUAGES:
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.casefold()
    kept: list[str] = []
    for char in text:
        if char in _APOSTROPHES:
            continue
        category = unicodedata.category(char)
        if category[0] in "PSZ" or category == "Cc" or char.isspace():
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class ErrorRates:
    """Word- or character-level error counts and rates over a set of utterances."""

    unit: Literal["word", "character"]
    corpus_rate: float
    mean_utterance_rate: float
    substitutions: int
    deletions: int
    insertions: int
    hits: int
    reference_units: int
    utterance_rates: tuple[float, ...]
    scored_items: tuple[str, ...]
    missing_hypotheses: int
    failures: tuple[ItemFailure, ...]

    @property
    def utterances_scored(self) -> int:
        return len(self.utterance_rates)


def word_error_rate(
    references: Sequence[str | None],
    hypotheses: Sequence[str | None],
    *,
    language: str | None = None,
    normalise: Normaliser | None = None,
    item_ids: Sequence[str] | None = None,
) -> ErrorRates:
    """WER over paired references and hypotheses; see the module docstring for the aggregates.

    ``normalise`` replaces :func:`normalise_text` (e.g. the pipeline's spoken-form normaliser);
    it is applied to both sides. WER is meaningless for scripts written without spaces (Chinese,
    Japanese, Thai): use :func:`character_error_rate` there.
    """
    return _error_rates("word", references, hypotheses, language, normalise, item_ids)


def character_error_rate(
    references: Sequence[str | None],
    hypotheses: Sequence[str | None],
    *,
    language: str | None = None,
    normalise: Normaliser | None = None,
    item_ids: Sequence[str] | None = None,
) -> ErrorRates:
    """CER over Unicode code points (after NFC) of the normalised text; single spaces count.

    Works for any script, including those written without spaces between words.
    """
    return _error_rates("character", references, hypotheses, language, normalise, item_ids)


def _error_rates(
    unit: Literal["word", "character"],
    references: Sequence[str | None],
    hypotheses: Sequence[str | None],
    language: str | None,
    normalise: Normaliser | None,
    item_ids: Sequence[str] | None,
) -> ErrorRates:
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses: they must pair up")
    ids = [str(i) for i in range(len(references))] if item_ids is None else list(item_ids)
    if len(ids) != len(references):
        raise ValueError(f"{len(ids)} item ids for {len(references)} references")
    clean = normalise if normalise is not None else (lambda s: normalise_text(s, language))
    process = jiwer.process_words if unit == "word" else jiwer.process_characters

    subs = dels = ins = hits = ref_units = missing_hyp = 0
    rates: list[float] = []
    scored: list[str] = []
    failures: list[ItemFailure] = []
    for item, ref, hyp in zip(ids, references, hypotheses, strict=True):
        if ref is None:
            failures.append(ItemFailure(item, "missing_reference", "no reference text"))
            continue
        ref_text = clean(ref)
        if not ref_text.strip():
            failures.append(
                ItemFailure(item, "empty_reference", f"reference {ref!r} is empty once normalised")
            )
            continue
        if hyp is None:
            missing_hyp += 1
            hyp = ""
        out = process(ref_text, clean(hyp))
        n_ref = out.hits + out.substitutions + out.deletions
        edits = out.substitutions + out.deletions + out.insertions
        subs += out.substitutions
        dels += out.deletions
        ins += out.insertions
        hits += out.hits
        ref_units += n_ref
        rates.append(edits / n_ref)
        scored.append(item)

    corpus = (subs + dels + ins) / ref_units if ref_units else float("nan")
    mean_utt = sum(rates) / len(rates) if rates else float("nan")
    return ErrorRates(
        unit=unit,
        corpus_rate=corpus,
        mean_utterance_rate=mean_utt,
        substitutions=subs,
        deletions=dels,
        insertions=ins,
        hits=hits,
        reference_units=ref_units,
        utterance_rates=tuple(rates),
        scored_items=tuple(scored),
        missing_hypotheses=missing_hyp,
        failures=tuple(failures),
    )
