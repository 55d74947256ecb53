"""The goals a prompt script can serve, and which languages each one supports."""

from __future__ import annotations

from voxtune.prompts.digit_names import DIGIT_NAMES
from voxtune.text.languages import SUPPORTED_LANGUAGES, UnsupportedLanguageError, canonical_language, language
from voxtune.text.particles import PARTICLE_LEXICONS

DIGITS = "digits"
"""Dictated numbers (order numbers, location codes, phone numbers), alone and in sentences."""
PARTICLES = "particles"
"""Code-switched sentences balanced over discourse particles."""
BALANCED = "balanced"
"""Sentences picked from the user's text to cover the language's phonemes."""
GOALS = (DIGITS, PARTICLES, BALANCED)

GOAL_LANGUAGES: dict[str, tuple[str, ...]] = {
    DIGITS: tuple(sorted(DIGIT_NAMES)),
    PARTICLES: tuple(sorted(PARTICLE_LEXICONS)),
    BALANCED: SUPPORTED_LANGUAGES,
}


def goal_language(goal: str, code: str) -> str:
    """The canonical code of ``code`` when ``goal`` supports it; otherwise an error listing those it does."""
    supported = GOAL_LANGUAGES[goal]
    canonical = canonical_language(code)
    if canonical not in supported:
        raise UnsupportedLanguageError(
            f"no '{goal}' prompts for {language(canonical).name} ('{canonical}')",
            hint=f"'{goal}' prompts exist for: {', '.join(supported)}",
        )
    return canonical
