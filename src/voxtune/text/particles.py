"""Discourse particles of colloquial Malaysian/Singaporean English and Malay, with their function.

Per-word language ID cannot label these (``lah`` is neither English nor Malay in a Manglish
sentence), and TTS curricula want them counted and balanced. Each entry carries a coarse ``kind``
after the descriptive literature on these particles (Gupta 1992, "The pragmatic particles of
Singapore Colloquial English"; Wong 2004, "The particles of Singapore English", Journal of
Pragmatics 36; Lim 2007, "Mergers and acquisitions", World Englishes 26): labels for filtering
and balancing, not a linguistic analysis. Words that are also ordinary English or Malay words
(``one``, ``what``, ``kan``) count as particles only at the end of a clause.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of particle.
ASSERTIVE = "assertive"  # insists or emphasises: "don't worry lah"
SOFTENER = "softener"  # tentative, softens a request or claim: "give me leh"
RESIGNATION = "resignation"  # nothing to be done: "like that lor"
OBVIOUSNESS = "obviousness"  # the hearer should know: "he's the boss mah"
SCEPTICAL_QUESTION = "sceptical_question"  # doubts what was said: "really meh?"
CONFIRMATION = "confirmation"  # seeks agreement, a tag question: "nice hor?", "kan?"
TOPIC_OR_QUESTION = "topic_or_question"  # marks a topic or a yes/no question: "this one ah"
EMPHATIC = "emphatic"  # clause-final emphasis on a quality: "he very stingy one"
CONTRADICTION = "contradiction"  # counters the hearer: "I told you already what"
EXCLAMATION = "exclamation"  # surprise or intensity: "so nice sia", "wah"
REPORTATIVE = "reportative"  # passes on what was heard, with surprise: "he say cannot wor"
SUGGESTION = "suggestion"  # proposes: "go home first ba"
HEDGE = "hedge"  # uncertainty, "perhaps": "dia dah balik kot"
ATTENTION = "attention"  # calls for attention: "eh, where you going?"


@dataclass(frozen=True)
class Particle:
    """One particle spelling: its canonical form, kind and whether it must end a clause."""

    word: str
    canonical: str
    kind: str
    clause_final_only: bool = False


def _entries(*rows: tuple[str, str, str, bool]) -> dict[str, Particle]:
    return {word: Particle(word, canonical, kind, final) for word, canonical, kind, final in rows}


MALAYSIAN_PARTICLES: dict[str, Particle] = _entries(
    ("lah", "lah", ASSERTIVE, False),
    ("la", "lah", ASSERTIVE, False),
    ("leh", "leh", SOFTENER, False),
    ("lor", "lor", RESIGNATION, False),
    ("lo", "lor", RESIGNATION, False),
    ("loh", "loh", OBVIOUSNESS, False),
    ("mah", "mah", OBVIOUSNESS, False),
    ("meh", "meh", SCEPTICAL_QUESTION, False),
    ("hor", "hor", CONFIRMATION, False),
    ("ah", "ah", TOPIC_OR_QUESTION, False),
    ("one", "one", EMPHATIC, True),
    ("what", "what", CONTRADICTION, True),
    ("sia", "sia", EXCLAMATION, False),
    ("siol", "sia", EXCLAMATION, False),
    ("wah", "wah", EXCLAMATION, False),
    ("wor", "wor", REPORTATIVE, False),
    ("wo", "wor", REPORTATIVE, False),
    ("ba", "ba", SUGGESTION, True),
    ("kan", "kan", CONFIRMATION, True),
    ("kot", "kot", HEDGE, False),
    ("eh", "eh", ATTENTION, False),
)

# Particle lexicons switched on by the languages a corpus declares.
PARTICLE_LEXICONS: dict[str, dict[str, Particle]] = {"ms": MALAYSIAN_PARTICLES}
