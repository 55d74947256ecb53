"""Per-word language labels for code-switched transcripts, discourse particles, and sentence stats.

A word's label comes from, in order: the user's lexicon; the particle lexicon; the built-in list
of very common short words (when it names exactly one of the corpus's languages); otherwise
lingua's per-word confidences among the corpus's languages, blended with the labels of nearby
words and of the whole sentence. Short words lean on context, long words on lingua, so single
inserted words ("dia busy sangat") keep their own language.

Where a corpus language has no lingua model (Luxembourgish), lingua is not used at all (it
would pull every Luxembourgish word to German): words are labelled from the lexicons and
context, and default to the corpus's first (main) language.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypeVar

from voxtune.text.function_words import FUNCTION_WORDS
from voxtune.text.languages import canonical_language, language
from voxtune.text.particles import PARTICLE_LEXICONS, Particle
from voxtune.text.words import split_words

PARTICLE = "particle"

# Letters after which lingua's per-word confidence is trusted fully; shorter words lean on context.
_RELIABLE_LETTERS = 5
_CONTEXT_WINDOW = 3
_SENTENCE_WEIGHT = 0.1


@dataclass(frozen=True)
class WordTag:
    """One word's label: a language code, or a particle (then ``language`` is None).

    ``source`` says what decided it: ``user_lexicon``, ``particle``, ``function_words``,
    ``lingua`` (its own best guess), ``context`` (neighbours outweighed lingua) or ``default``
    (the only language, or nothing to go on).
    """

    word: str
    language: str | None
    source: str
    particle: Particle | None = None

    @property
    def label(self) -> str:
        """``particle`` for particles, else the language code."""
        return PARTICLE if self.particle else str(self.language)

    @property
    def particle_kind(self) -> str | None:
        """The particle's kind (assertive, softener, ...), None for other words."""
        return self.particle.kind if self.particle else None


class LanguageTagger:
    """Labels the words of transcripts from a corpus whose languages are known.

    ``languages`` lists the corpus's languages, main one first. ``user_lexicon`` maps words
    (any case) to a language code and overrides everything else. ``particles`` is a particle
    lexicon; by default the lexicons of PARTICLE_LEXICONS for the corpus's languages (Malaysian
    particles when Malay is one of them); pass ``{}`` for none.
    """

    def __init__(
        self,
        languages: Sequence[str],
        *,
        user_lexicon: Mapping[str, str] | None = None,
        particles: Mapping[str, Particle] | None = None,
        use_function_words: bool = True,
    ):
        if not languages:
            raise ValueError("a LanguageTagger needs at least one language")
        self.languages = tuple(dict.fromkeys(canonical_language(code) for code in languages))
        self.user_lexicon = {
            word.casefold(): canonical_language(code) for word, code in (user_lexicon or {}).items()
        }
        if particles is None:
            particles = {}
            for code in self.languages:
                particles = {**particles, **PARTICLE_LEXICONS.get(code, {})}
        self.particles = {word.casefold(): entry for word, entry in particles.items()}
        self.function_words = {}
        if use_function_words:
            for code in self.languages:
                for word in FUNCTION_WORDS.get(code, ()):
                    self.function_words.setdefault(word, []).append(code)
        self._detector = self._build_detector()

    def _build_detector(self):
        if len(self.languages) < 2 or any(language(c).lingua is None for c in self.languages):
            return None
        from lingua import Language, LanguageDetectorBuilder

        members = [getattr(Language, language(code).lingua) for code in self.languages]
        return LanguageDetectorBuilder.from_languages(*members).build()

    def tag(self, text: str) -> list[WordTag]:
        """Label the words of a transcript (words as voxtune.text.words.split_words finds them)."""
        words = split_words(text)
        return self.tag_words([w.text for w in words], [w.clause_final for w in words])

    def tag_words(self, words: Sequence[str], clause_final: Sequence[bool] | None = None) -> list[WordTag]:
        """Label words said in this order; by default only the last word ends a clause."""
        if clause_final is None:
            clause_final = [i == len(words) - 1 for i in range(len(words))]
        tags: list[WordTag | None] = []
        evidence: list[dict[str, float] | None] = []
        for word, final in zip(words, clause_final, strict=True):
            tag, probabilities = self._decide_alone(word, final)
            tags.append(tag)
            evidence.append(probabilities)
        sentence = self._confidences(" ".join(words)) if self._detector else {}
        for i, word in enumerate(words):
            if tags[i] is None:
                tags[i] = self._decide_in_context(i, word, tags, evidence, sentence)
        return [tag for tag in tags if tag is not None]

    def _decide_alone(self, word: str, final: bool) -> tuple[WordTag | None, dict[str, float]]:
        """A tag when the word alone settles it, else the evidence to weigh in context."""
        key = word.casefold()
        if key in self.user_lexicon:
            code = self.user_lexicon[key]
            return WordTag(word, code, "user_lexicon"), {code: 1.0}
        particle = self.particles.get(key)
        if particle and (final or not particle.clause_final_only):
            return WordTag(word, None, PARTICLE, particle), {}
        listed = self.function_words.get(key, [])
        if len(listed) == 1:
            return WordTag(word, listed[0], "function_words"), {listed[0]: 1.0}
        if len(self.languages) == 1:
            return WordTag(word, self.languages[0], "default"), {self.languages[0]: 1.0}
        candidates = listed or list(self.languages)
        confidences = self._confidences(word) if self._detector else {}
        total = sum(confidences.get(code, 0.0) for code in candidates)
        if total <= 0:
            return None, {code: 1.0 / len(candidates) for code in candidates}
        return None, {code: confidences.get(code, 0.0) / total for code in candidates}

    def _decide_in_context(
        self,
        index: int,
        word: str,
        tags: Sequence[WordTag | None],
        evidence: Sequence[dict[str, float] | None],
        sentence: Mapping[str, float],
    ) -> WordTag:
        own = evidence[index] or {}
        context: Counter = Counter()
        weights = 0.0
        first, last = max(0, index - _CONTEXT_WINDOW), min(len(tags), index + _CONTEXT_WINDOW + 1)
        for j in range(first, last):
            neighbour = tags[j]
            if j == index or (neighbour is not None and neighbour.particle):
                continue
            weight = 1.0 / abs(index - j)
            weights += weight
            votes = {neighbour.language: 1.0} if neighbour else (evidence[j] or {})
            for code, value in votes.items():
                context[code] += weight * value
        letters = sum(1 for char in word if unicodedata.category(char).startswith("L"))
        lean_on_context = 1.0 - min(1.0, letters / _RELIABLE_LETTERS)
        scores = {
            code: own.get(code, 0.0)
            + lean_on_context * (context[code] / weights if weights else 0.0)
            + _SENTENCE_WEIGHT * sentence.get(code, 0.0)
            for code in self.languages
        }
        best = max(self.languages, key=lambda code: scores[code])  # ties: earlier language
        if len(set(own.values())) > 1:  # lingua told the candidates apart
            own_best = max(own, key=lambda code: own[code])
            return WordTag(word, best, "lingua" if best == own_best else "context")
        return WordTag(word, best, "context" if weights or sentence else "default")

    def _confidences(self, text: str) -> dict[str, float]:
        if self._detector is None:
            return {}
        from lingua import Language

        by_member = {getattr(Language, language(c).lingua): c for c in self.languages}
        return {
            by_member[value.language]: value.value
            for value in self._detector.compute_language_confidence_values(text)
            if value.language in by_member
        }


@dataclass(frozen=True)
class SentenceLanguageStats:
    """Which languages a sentence uses, how often it switches, and its particles.

    ``switches`` counts changes of language between consecutive words, particles skipped.
    """

    languages: tuple[str, ...]
    switches: int
    words_per_language: dict[str, int] = field(default_factory=dict)
    particle_counts: dict[str, int] = field(default_factory=dict)
    particle_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def n_languages(self) -> int:
        """How many languages appear (for filters like "at most two languages")."""
        return len(self.languages)

    @property
    def single_language(self) -> bool:
        """True when at most one language appears (particles do not count)."""
        return len(self.languages) <= 1

    @property
    def has_particles(self) -> bool:
        """True when any discourse particle appears."""
        return bool(self.particle_counts)


def sentence_stats(tags: Sequence[WordTag]) -> SentenceLanguageStats:
    """Summarise a sentence's tags for curriculum filters."""
    spoken = [tag.language for tag in tags if tag.language is not None]
    particles = [tag.particle for tag in tags if tag.particle is not None]
    return SentenceLanguageStats(
        languages=tuple(dict.fromkeys(spoken)),
        switches=sum(1 for a, b in pairwise(spoken) if a != b),
        words_per_language=dict(Counter(spoken)),
        particle_counts=dict(Counter(p.canonical for p in particles)),
        particle_kinds=dict(Counter(p.kind for p in particles)),
    )


T = TypeVar("T")


def spread_to_phonemes(
    word_tags: Sequence[T],
    word_phonemes: Sequence[Sequence[str]],
    *,
    boundary: T | None = None,
    between_words: bool = True,
) -> list[T | None]:
    """One tag per phoneme symbol: each word's tag repeated over that word's symbols.

    ``word_phonemes`` holds each word's symbols: a list of phoneme symbols, or a string, whose
    characters are then the symbols (as in Kokoro input). With ``between_words``, ``boundary``
    is put for the space between consecutive non-empty words, so the result lines up with
    ``" ".join`` of the words' phoneme strings.
    """
    if len(word_tags) != len(word_phonemes):
        raise ValueError(f"{len(word_tags)} tags for {len(word_phonemes)} words")
    out: list[T | None] = []
    for tag, symbols in zip(word_tags, word_phonemes, strict=True):
        if not symbols:
            continue
        if between_words and out:
            out.append(boundary)
        out.extend([tag] * len(symbols))
    return out
