"""Prompt scripts for recording or synthesis: digit dictation, particle sentences, balanced sets."""

from voxtune.prompts.balanced import BalancedSelection, balanced_prompts
from voxtune.prompts.dictation import DigitCoverage, digit_coverage, digit_prompts
from voxtune.prompts.generate import PromptScript, generate_prompts
from voxtune.prompts.goals import GOAL_LANGUAGES, GOALS, goal_language
from voxtune.prompts.particle_sentences import particle_prompts
from voxtune.prompts.script import Prompt, PromptFile, load_prompts, write_script
from voxtune.prompts.spoken import spoken_form

__all__ = [
    "GOALS",
    "GOAL_LANGUAGES",
    "BalancedSelection",
    "DigitCoverage",
    "Prompt",
    "PromptFile",
    "PromptScript",
    "balanced_prompts",
    "digit_coverage",
    "digit_prompts",
    "generate_prompts",
    "goal_language",
    "load_prompts",
    "particle_prompts",
    "spoken_form",
    "write_script",
]
