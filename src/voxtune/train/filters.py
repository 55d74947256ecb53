"""Stage data filters: which corpus items a stage trains on (pure predicates over lhotse cuts).

Conditions on languages, switches and particles read the fields the language-tags prepare stage
writes; when no item of the corpus has such a field the stage cannot be selected, and
``check_filter_fields`` says so before any training starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.errors import InputError
from voxtune.text.languages import UnsupportedLanguageError, canonical_language
from voxtune.train.config import DataFilter

FIELD_HINT = (
    "Add the language-tags stage to the prepare recipe (it writes languages, switches and particles "
    "per item) and run `voxtune prepare` again"
)


def _canonical(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return canonical_language(code)
    except UnsupportedLanguageError:
        return code


def _sup_custom(cut: Cut) -> dict:
    return (cut.supervisions[0].custom or {}) if cut.supervisions else {}


def needed_fields(f: DataFilter) -> dict[str, str]:
    """supervision.custom fields the filter reads, with the condition that reads each."""
    need: dict[str, str] = {}
    if f.single_language is not None:
        need[fields.LANGUAGES] = "single_language"
    if f.max_languages is not None:
        need[fields.LANGUAGES] = "max_languages"
    if f.min_switches is not None:
        need[fields.SWITCHES] = "min_switches"
    if f.has_particles is not None:
        need[fields.PARTICLES] = "has_particles"
    return need


def matches(cut: Cut, f: DataFilter) -> bool:
    """Whether ``cut`` meets every condition of ``f``."""
    sup = cut.supervisions[0] if cut.supervisions else None
    language = _canonical(sup.language if sup else None)
    speaker = sup.speaker if sup else None
    custom = _sup_custom(cut)
    if f.languages is not None and language not in {_canonical(c) for c in f.languages}:
        return False
    if language is not None and language in {_canonical(c) for c in f.exclude_languages}:
        return False
    if f.speakers is not None and speaker not in f.speakers:
        return False
    if speaker is not None and speaker in f.exclude_speakers:
        return False
    languages = custom.get(fields.LANGUAGES)
    if f.single_language is not None and (languages is None or (len(languages) <= 1) != f.single_language):
        return False
    if f.max_languages is not None and (languages is None or len(languages) > f.max_languages):
        return False
    if f.min_switches is not None:
        switches = custom.get(fields.SWITCHES)
        if switches is None or int(switches) < f.min_switches:
            return False
    if f.has_particles is not None:
        particles = custom.get(fields.PARTICLES)
        if particles is None or any(p for p in particles) != f.has_particles:
            return False
    synthetic = bool((cut.custom or {}).get(fields.SYNTHETIC, False))
    if f.synthetic is not None and synthetic != f.synthetic:
        return False
    if f.min_duration is not None and cut.duration < f.min_duration:
        return False
    return not (f.max_duration is not None and cut.duration > f.max_duration)


def select(cuts: Iterable[Cut], f: DataFilter) -> list[Cut]:
    return [cut for cut in cuts if matches(cut, f)]


def check_filter_fields(cuts: Sequence[Cut], stage: str, filters: Iterable[DataFilter]) -> None:
    """InputError when a filter reads a field that no item of the corpus has."""
    present: set[str] = set()
    for cut in cuts:
        present.update(_sup_custom(cut))
    for f in filters:
        for name, condition in needed_fields(f).items():
            if name not in present:
                raise InputError(
                    f"stage '{stage}' filters on {condition}, which reads supervision.custom['{name}'], "
                    "but no item of the corpus has that field",
                    hint=FIELD_HINT,
                )
