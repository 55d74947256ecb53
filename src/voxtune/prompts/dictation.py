"""Digit-dictation scripts: order numbers, location codes and phone numbers, alone and in sentences.

The spoken form reads each digit by name (the goal of such a script), so the number is spelled
before the sentence is normalised: a normaliser cannot know that a lone "8652300" is a code and not
eight million and more.

Digits are picked so that every digit turns up in every position of every kind of number (see
``BalancedDigits``): fifty prompts over three kinds cover all of them, so a model trained on the
recordings hears each digit name at the start, in the middle and at the end of a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import ConfigError
from voxtune.prompts.carrier_sentences import CARRIER_SENTENCES
from voxtune.prompts.digit_names import digit_words
from voxtune.prompts.goals import DIGITS, goal_language
from voxtune.prompts.number_formats import NUMBER_KINDS, BalancedDigits, NumberFormat, number_formats
from voxtune.prompts.script import Prompt
from voxtune.prompts.spoken import spoken_form


def digit_prompts(
    language: str,
    count: int = 50,
    *,
    kinds: Sequence[str] = NUMBER_KINDS,
    seed: int = 0,
    bare_every: int = 3,
) -> list[Prompt]:
    """``count`` prompts cycling through ``kinds``; every ``bare_every``-th number of a kind stands
    alone, the others sit in one of the language's carrier sentences."""
    code = goal_language(DIGITS, language)
    unknown = sorted(set(kinds) - set(NUMBER_KINDS))
    if unknown or not kinds:
        raise ConfigError(f"unknown number kinds {unknown}", hint=f"Choose from: {', '.join(NUMBER_KINDS)}")
    formats = number_formats(code)
    rng = np.random.default_rng(seed)
    pickers = {kind: BalancedDigits(formats[kind], rng) for kind in kinds}
    templates = {kind: _template_cycle(CARRIER_SENTENCES[code][kind], rng) for kind in kinds}
    made = dict.fromkeys(kinds, 0)
    prompts = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        number = pickers[kind].next_number()
        bare = made[kind] % bare_every == 0
        made[kind] += 1
        template = "{number}" if bare else next(templates[kind])
        text = template.format(number=number)
        spelled = template.format(number=" ".join(digit_words(number, code)))
        prompts.append(
            Prompt(
                id=f"{DIGITS}-{index + 1:04d}",
                text=text,
                spoken=spoken_form(spelled, code),
                language=code,
                goal=DIGITS,
                kind=kind,
                meta={"number": number, "pattern": formats[kind].pattern, "in_sentence": not bare},
            )
        )
    return prompts


def _template_cycle(templates: tuple[str, ...], rng: np.random.Generator) -> Iterable[str]:
    """The templates in a new random order each round, so neighbouring prompts differ."""
    while True:
        for position in rng.permutation(len(templates)):
            yield templates[int(position)]


@dataclass(frozen=True)
class DigitCoverage:
    """Which (position, digit) pairs a script's numbers of one kind leave out."""

    kind: str
    pattern: str
    numbers: int
    missing: tuple[tuple[int, str], ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def digit_coverage(prompts: Iterable[Prompt]) -> dict[str, DigitCoverage]:
    """For each kind of number in a digit script: does every allowed digit appear at every position?"""
    seen: dict[tuple[str, str], list[set[str]]] = {}
    numbers: dict[tuple[str, str], int] = {}
    for prompt in prompts:
        if prompt.goal != DIGITS:
            continue
        key = (prompt.kind, prompt.meta["pattern"])
        digits = [ch for ch in prompt.meta["number"] if ch.isdecimal()]
        slots = NumberFormat(*key).slots
        found = seen.setdefault(key, [set() for _ in slots])
        for slot, digit_set in zip(slots, found, strict=True):
            digit_set.add(digits[slot.index])
        numbers[key] = numbers.get(key, 0) + 1
    report = {}
    for (kind, pattern), found in seen.items():
        slots = NumberFormat(kind, pattern).slots
        missing = tuple(
            (slot.index, digit)
            for slot, digit_set in zip(slots, found, strict=True)
            for digit in slot.allowed
            if digit not in digit_set
        )
        report[kind] = DigitCoverage(kind, pattern, numbers[(kind, pattern)], missing)
    return report
