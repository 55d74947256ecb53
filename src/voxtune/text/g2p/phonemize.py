"""Grapheme-to-phoneme with espeak-ng: per-word phonemes aligned to the input words, with problems.

Each line is phonemized as a whole (so context such as French liaison and English weak forms is
kept) and each word also alone (cached), which is what lets output words be matched back to the
input words and what exposes words espeak could not handle.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from voxtune.text.g2p.align import align_groups, pairs_one_to_one, split_merged
from voxtune.text.g2p.espeak import Chunk, EspeakVoice, parse_raw
from voxtune.text.g2p.symbols import count_stress, count_symbols, plain, split_phonemes
from voxtune.text.languages import canonical_language, language
from voxtune.text.words import word_texts

# Problem kinds a word can have; the coverage report counts words per kind.
LANGUAGE_SWITCH = "language_switch"  # espeak said it with another language's rules, e.g. (en)
EMPTY = "empty"  # espeak produced no phonemes for it
SPELLED = "spelled"  # espeak read it out letter by letter (acronyms, foreign scripts)


@dataclass(frozen=True)
class G2PIssue:
    """Something espeak did with a word that a coverage report should show."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class WordPhonemes:
    """The phonemes of one input word.

    ``phonemes`` are symbols as split_phonemes cuts them (stress marks are their own symbols; a
    space separates the parts of a word espeak expanded into several, like ``21``).
    ``merged`` is True when espeak said the word together with a neighbour and the split between
    them is a best match, not espeak's own.
    """

    word: str
    language: str
    phonemes: tuple[str, ...]
    issues: tuple[G2PIssue, ...] = ()
    merged: bool = False

    @property
    def ipa(self) -> str:
        """The word's IPA with stress marks, as espeak writes it minus tie bars."""
        return "".join(self.phonemes)


@dataclass(frozen=True)
class Phonemized:
    """One utterance: a WordPhonemes per input word, in input order."""

    language: str
    words: tuple[WordPhonemes, ...]

    @property
    def ipa(self) -> str:
        """All words' IPA joined by single spaces (words without phonemes are skipped)."""
        return " ".join(word.ipa for word in self.words if word.phonemes)

    @property
    def issues(self) -> list[tuple[int, G2PIssue]]:
        """(word index, issue) for every issue in the utterance."""
        return [(i, issue) for i, word in enumerate(self.words) for issue in word.issues]


class EspeakG2P:
    """espeak-ng G2P for one language, reusing one loaded voice for any number of utterances.

    Not thread-safe (espeak keeps global state per loaded library); use one per thread or process,
    for instance through ``g2p_for``.
    """

    def __init__(self, language_code: str, *, voice: str | None = None, cache_size: int = 100_000):
        self.language = canonical_language(language_code)
        self.voice = voice or language(self.language).espeak_voice
        self._espeak = EspeakVoice(self.voice)
        self._cache_size = cache_size
        self._alone: OrderedDict[str, list[Chunk]] = OrderedDict()
        self._letters: OrderedDict[str, str] = OrderedDict()

    def phonemize(self, text: str) -> Phonemized:
        """Phonemize a transcript; its words are those of voxtune.text.words.split_words."""
        return self.phonemize_words(word_texts(text))

    def phonemize_many(self, texts: Iterable[str]) -> list[Phonemized]:
        """Phonemize many transcripts with the same voice."""
        return [self.phonemize(text) for text in texts]

    def phonemize_words(self, words: Sequence[str]) -> Phonemized:
        """Phonemize words said in this order; the result has one entry per word."""
        words = list(words)
        if not words:
            return Phonemized(self.language, ())
        chunks = parse_raw(self._espeak.raw(" ".join(words)))
        alone = [self._say_alone(word) for word in words]
        alone_plain = [plain(_symbols_of(chunks_alone)) for chunks_alone in alone]
        said_plain = [plain(split_phonemes(chunk.tied)) for chunk in chunks]
        if pairs_one_to_one(alone_plain, said_plain):
            pieces = [(_symbols_of([chunk]), [chunk], False) for chunk in chunks]
        else:
            pieces = self._pieces_by_alignment(chunks, alone, alone_plain, said_plain)
        return Phonemized(
            self.language,
            tuple(
                self._word(word, symbols, said, merged)
                for word, (symbols, said, merged) in zip(words, pieces, strict=True)
            ),
        )

    def _pieces_by_alignment(
        self,
        chunks: list[Chunk],
        alone: list[list[Chunk]],
        alone_plain: list[str],
        said_plain: list[str],
    ) -> list[tuple[list[str], list[Chunk], bool]]:
        groups = align_groups(alone_plain, said_plain, [len(c) for c in alone])
        pieces: list[tuple[list[str], list[Chunk], bool]] = []
        for group in groups:
            w0, w1 = group.words
            said = chunks[group.chunks[0] : group.chunks[1]]
            if w1 - w0 == 1:
                pieces.append((_symbols_of(said), said, False))
                continue
            for symbols in split_merged(_symbols_of(said), alone_plain[w0:w1]):
                pieces.append((symbols, said, True))
        return pieces

    def _word(self, word: str, symbols: list[str], said: list[Chunk], merged: bool) -> WordPhonemes:
        issues = []
        switched = sorted({lang for chunk in said for lang in chunk.switched_to})
        if switched:
            issues.append(G2PIssue(LANGUAGE_SWITCH, ",".join(switched)))
        if not plain(symbols):
            issues.append(G2PIssue(EMPTY))
        elif self._is_spelled(word, symbols):
            issues.append(G2PIssue(SPELLED))
        return WordPhonemes(word, self.language, tuple(symbols), tuple(issues), merged)

    def _is_spelled(self, word: str, symbols: list[str]) -> bool:
        """True when the word sounds exactly like its letters named one by one.

        Letters here include combining marks (Telugu vowel signs are read out as letters too).
        Only words with at least one stress mark per three letters are compared: spelling
        stresses every letter name, ordinary words are not stressed that densely.
        """
        letters = [char for char in word if unicodedata.category(char)[0] in "LM"]
        stresses = count_stress(symbols)
        if len(letters) < 2 or stresses < 2 or stresses * 3 < len(letters):
            return False
        key = " ".join(letters)
        spelled = _lru_get(self._letters, key)
        if spelled is None:
            spelled = plain(_symbols_of(parse_raw(self._espeak.raw(key))))
            _lru_put(self._letters, key, spelled, self._cache_size)
        return spelled == plain(symbols)

    def _say_alone(self, word: str) -> list[Chunk]:
        chunks = _lru_get(self._alone, word)
        if chunks is None:
            chunks = parse_raw(self._espeak.raw(word))
            _lru_put(self._alone, word, chunks, self._cache_size)
        return chunks


def _symbols_of(chunks: Sequence[Chunk]) -> list[str]:
    symbols: list[str] = []
    for chunk in chunks:
        if symbols:
            symbols.append(" ")
        symbols.extend(split_phonemes(chunk.tied))
    return symbols


def _lru_get(store: OrderedDict, key: str):
    value = store.get(key)
    if value is not None:
        store.move_to_end(key)
    return value


def _lru_put(store: OrderedDict, key: str, value: object, size: int) -> None:
    store[key] = value
    if len(store) > size:
        store.popitem(last=False)


def g2p_for(language_code: str, voice: str | None = None) -> EspeakG2P:
    """The process-wide EspeakG2P for a language (one loaded voice per language and process)."""
    return _shared_g2p(canonical_language(language_code), voice)


@cache
def _shared_g2p(language_code: str, voice: str | None) -> EspeakG2P:
    return EspeakG2P(language_code, voice=voice)


def phonemize(text: str | Sequence[str], language_code: str) -> Phonemized:
    """Phonemize a transcript (or a list of words) in one language with the shared voice."""
    g2p = g2p_for(language_code)
    return g2p.phonemize(text) if isinstance(text, str) else g2p.phonemize_words(text)


def phonemize_code_switched(words: Sequence[str], languages: Sequence[str]) -> Phonemized:
    """Phonemize each run of consecutive same-language words with that language's voice.

    ``languages`` holds one language code per word (for instance from language_tags, with
    particles given the sentence's main language). The result's language is the first word's.
    """
    if len(words) != len(languages):
        raise ValueError(f"{len(words)} words but {len(languages)} language labels")
    codes = [canonical_language(code) for code in languages]
    out: list[WordPhonemes] = []
    start = 0
    for end in range(1, len(words) + 1):
        if end == len(words) or codes[end] != codes[start]:
            out.extend(g2p_for(codes[start]).phonemize_words(words[start:end]).words)
            start = end
    return Phonemized(codes[0] if codes else "", tuple(out))


def phoneme_inventory(utterances: Iterable[Phonemized], *, include_stress: bool = False) -> Counter:
    """Phoneme symbol -> count over many utterances (stress marks only on request)."""
    return count_symbols(
        (word.phonemes for utterance in utterances for word in utterance.words),
        include_stress=include_stress,
    )


@dataclass
class CoverageReport:
    """How many words espeak handled, and which it did not, by problem kind."""

    words: int = 0
    words_with_issues: int = 0
    by_kind: dict[str, Counter] = field(default_factory=dict)
    switched_to: Counter = field(default_factory=Counter)

    @property
    def coverage(self) -> float:
        """Share of words without any issue (1.0 for no words)."""
        return 1.0 if not self.words else 1.0 - self.words_with_issues / self.words


def coverage_report(utterances: Iterable[Phonemized]) -> CoverageReport:
    """Count, over many utterances, the words espeak switched language on, skipped or spelled."""
    report = CoverageReport()
    for utterance in utterances:
        for word in utterance.words:
            report.words += 1
            if word.issues:
                report.words_with_issues += 1
            for issue in word.issues:
                report.by_kind.setdefault(issue.kind, Counter())[word.word] += 1
                if issue.kind == LANGUAGE_SWITCH:
                    report.switched_to.update(issue.detail.split(","))
    return report
