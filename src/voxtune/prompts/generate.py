"""One entry point for every goal: make a prompt script and say, in a few lines, what it covers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voxtune.corpus.ledger import Rejection
from voxtune.errors import InputError
from voxtune.prompts.balanced import balanced_prompts
from voxtune.prompts.dictation import digit_coverage, digit_prompts
from voxtune.prompts.goals import BALANCED, DIGITS, GOALS, PARTICLES, goal_language
from voxtune.prompts.number_formats import NUMBER_KINDS
from voxtune.prompts.particle_sentences import DEFAULT_PARTICLES, particle_prompts
from voxtune.prompts.script import Prompt


@dataclass
class PromptScript:
    """A generated script, the text lines refused on the way, and what the script covers."""

    goal: str
    language: str
    prompts: list[Prompt]
    rejected: list[Rejection] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)


def generate_prompts(
    goal: str,
    language: str,
    count: int = 50,
    *,
    seed: int = 0,
    text_file: str | Path | None = None,
    kinds: Sequence[str] = NUMBER_KINDS,
    particles: Sequence[str] = DEFAULT_PARTICLES,
) -> PromptScript:
    """Make a ``goal`` script of ``count`` prompts in ``language`` (``balanced`` reads ``text_file``)."""
    if goal not in GOALS:
        raise InputError(f"unknown prompt goal '{goal}'", hint=f"Choose one of: {', '.join(GOALS)}")
    code = goal_language(goal, language)
    if goal == DIGITS:
        prompts = digit_prompts(code, count, kinds=tuple(kinds), seed=seed)
        return PromptScript(goal, code, prompts, coverage=_digit_lines(prompts))
    if goal == PARTICLES:
        prompts = particle_prompts(code, count, particles=tuple(particles), seed=seed)
        counts = Counter(prompt.meta["particle"] for prompt in prompts)
        line = ", ".join(f"{particle} ×{counts[particle]}" for particle in particles)
        return PromptScript(goal, code, prompts, coverage=[f"particles: {line}"])
    if text_file is None:
        raise InputError("balanced prompts are picked from your text", hint="Pass --text FILE (one per line)")
    path = Path(text_file)
    if not path.is_file():
        raise InputError("text file not found", path=path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError("the text file is not UTF-8 text", path=path) from None
    selection = balanced_prompts(lines, code, count, source=str(path))
    if not selection.prompts:
        raise InputError(
            "no usable lines in the text (see the refused lines)",
            path=path,
            hint="Give sentences of 3 to 25 words, one per line",
        )
    missing = selection.missing
    lines = [
        f"phonemes: {len(selection.covered)} of the {len(selection.inventory)} in the text"
        + (f" (missing: {' '.join(missing)})" if missing else ""),
        f"diphones: {selection.diphones_covered} of {selection.diphones_total}",
    ]
    return PromptScript(BALANCED, code, selection.prompts, selection.rejected, lines)


def _digit_lines(prompts: list[Prompt]) -> list[str]:
    lines = []
    for kind, report in digit_coverage(prompts).items():
        state = (
            "every digit in every position"
            if report.complete
            else f"{len(report.missing)} (position, digit) pairs missing: make at least 10 per kind"
        )
        lines.append(f"{kind} {report.pattern}: {report.numbers} numbers, {state}")
    return lines
