"""Kokoro input tokens with their times: the teacher durations of a training item.

Kokoro's input is misaki text: per-word phonemes joined by spaces, punctuation attached, one token per
character, every token (stress marks, spaces, the two pads included) lasting at least one duration frame
(``KModel`` clamps predicted durations to >= 1). The corpus gives per-word espeak IPA (the phonemise
stage) and either phoneme timings (the align stage at phoneme level) or only word timings.

The stored IPA has lost espeak's tie bars (``ts`` of ``Zeit`` is one affricate, misaki ``ʦ``), and the
align stage times each character-level unit of it (``split_phonemes`` of the stored string). So the
espeak symbols are re-derived from the text (``espeak_symbols``; kept only where they spell the stored
IPA), each symbol is rewritten into misaki on its own and spans the units it covers; stress marks,
spaces and punctuation are zero-length points, and ``frame_durations`` (``min_frames=1``, the two pads)
turns the spans into frames that add up to the audio's length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voxtune.align.durations import frame_durations
from voxtune.errors import ItemError
from voxtune.models.kokoro.geometry import KokoroGeometry
from voxtune.text.g2p import misaki_from_symbols, phonemize, phonemize_code_switched, split_phonemes
from voxtune.text.g2p.symbols import STRESS_MARKS
from voxtune.text.words import split_words

PUNCTUATION = ",.!?;:—…"
"""Punctuation Kokoro reads (and misaki keeps) after a word; it carries phrase pauses and intonation."""
ALIGNMENT_SLACK = 0.05
"""Seconds an aligned span may run past the end of the audio before the item is refused."""


class TimingError(ItemError):
    """An item's timings cannot give Kokoro durations (missing, not matching its phonemes or audio)."""


@dataclass(frozen=True)
class TimedToken:
    """One Kokoro input character and the time span (seconds from the item's start) it is spoken in."""

    symbol: str
    start: float
    end: float


def units(symbol: str) -> int:
    """Aligned units one espeak symbol covers: its characters as ``split_phonemes`` cuts the stored
    (untied) IPA, without stress marks and spaces."""
    return sum(1 for unit in split_phonemes(symbol) if unit not in STRESS_MARKS and unit != " ")


def word_units(ipa: str) -> int:
    """Phoneme timings the align stage gives a word's stored IPA."""
    return units(ipa)


def espeak_symbols(
    words: Sequence[str], word_ipa: Sequence[str], languages: Sequence[str]
) -> list[list[str]]:
    """espeak's (tied) symbols of each word, re-derived from the words; a word whose symbols do not
    spell its stored IPA keeps the stored IPA cut into characters."""
    if len(set(languages)) == 1:
        result = phonemize(list(words), languages[0])
    else:
        result = phonemize_code_switched(list(words), list(languages))
    out = []
    for ipa, said in zip(word_ipa, result.words, strict=True):
        symbols = list(said.phonemes)
        out.append(symbols if "".join(symbols) == ipa else split_phonemes(ipa))
    return out


def _sounding(symbol: str) -> bool:
    return symbol not in STRESS_MARKS and symbol != " "


def _misaki(symbols: Sequence[str], language: str) -> list[str] | None:
    """Misaki text of each symbol; None when rewriting symbol by symbol would not give the word's
    misaki text (English rules spanning symbols)."""
    pieces = [misaki_from_symbols([s], language) for s in symbols]
    return pieces if "".join(pieces) == misaki_from_symbols(list(symbols), language) else None


def _spread(text: str, start: float, end: float) -> list[TimedToken]:
    step = (end - start) / len(text)
    return [TimedToken(ch, start + i * step, start + (i + 1) * step) for i, ch in enumerate(text)]


def _with_points(pieces: Sequence[tuple[str, tuple[float, float] | None]], end: float) -> list[TimedToken]:
    """Tokens of (text, span) pieces; pieces without a span (stress marks, spaces) become zero-length
    points at the start of the next spanned piece (or at ``end``)."""
    tokens: list[TimedToken] = []
    pending = ""
    for text, span in pieces:
        if span is None or not text:
            pending += text
            continue
        tokens += [TimedToken(ch, span[0], span[0]) for ch in pending]
        pending = ""
        tokens += _spread(text, *span)
    return tokens + [TimedToken(ch, end, end) for ch in pending]


def _word_from_units(
    symbols: Sequence[str], language: str, spans: Sequence[tuple[float, float]]
) -> list[TimedToken]:
    pieces = _misaki(symbols, language)
    if pieces is None:
        return _word_from_span(symbols, language, spans[0][0], spans[-1][1]) if spans else []
    placed: list[tuple[str, tuple[float, float] | None]] = []
    position = 0
    for symbol, text in zip(symbols, pieces, strict=True):
        count = units(symbol)
        if count and _sounding(symbol):
            covered = spans[position : position + count]
            placed.append((text, (covered[0][0], covered[-1][1])))
            position += count
        else:
            placed.append((text, None))
    return _with_points(placed, spans[-1][1] if spans else 0.0)


def _word_from_span(symbols: Sequence[str], language: str, start: float, end: float) -> list[TimedToken]:
    text = misaki_from_symbols(list(symbols), language)
    sounding = [ch for ch in text if ch not in STRESS_MARKS and ch != " "]
    step = (end - start) / len(sounding) if sounding else 0.0
    placed: list[tuple[str, tuple[float, float] | None]] = []
    index = 0
    for ch in text:
        if ch in STRESS_MARKS or ch == " ":
            placed.append((ch, None))
        else:
            placed.append((ch, (start + index * step, start + (index + 1) * step)))
            index += 1
    return _with_points(placed, end)


def timed_tokens(
    word_symbols: Sequence[Sequence[str]],
    languages: Sequence[str],
    *,
    phoneme_times: Sequence[tuple[float, float]] | None = None,
    word_times: Sequence[tuple[float, float]] | None = None,
    punctuation: Sequence[str] | None = None,
) -> list[TimedToken]:
    """Kokoro tokens of an utterance with times, from per-word espeak symbols and timings.

    ``phoneme_times`` has one span per aligned unit of all words in order (what the align stage
    writes); ``word_times`` one span per word. ``punctuation[i]`` is the text after word ``i`` (only
    ``PUNCTUATION`` characters are kept). Raises TimingError when the counts do not match.
    """
    if len(languages) != len(word_symbols):
        raise ValueError(f"{len(languages)} languages for {len(word_symbols)} words")
    if (phoneme_times is None) == (word_times is None):
        raise ValueError("give exactly one of phoneme_times and word_times")
    if phoneme_times is not None:
        needed = sum(units(s) for symbols in word_symbols for s in symbols)
        if needed != len(phoneme_times):
            raise TimingError(
                "alignment_mismatch",
                f"the phoneme alignment has {len(phoneme_times)} phonemes, the item's IPA has {needed}; "
                "run the align stage (level: phonemes) after the last phonemise stage",
                aligned=len(phoneme_times),
                phonemes=needed,
            )
    elif word_times is not None and len(word_times) != len(word_symbols):
        raise TimingError(
            "alignment_mismatch",
            f"the item has {len(word_times)} word timings for {len(word_symbols)} words",
            aligned=len(word_times),
            words=len(word_symbols),
        )
    tokens: list[TimedToken] = []
    position = 0
    for index, (symbols, language) in enumerate(zip(word_symbols, languages, strict=True)):
        if phoneme_times is not None:
            count = sum(units(s) for s in symbols)
            word = _word_from_units(symbols, language, phoneme_times[position : position + count])
            position += count
        else:
            assert word_times is not None
            word = _word_from_span(symbols, language, *word_times[index])
        if not word:
            continue
        if tokens:
            gap = (tokens[-1].end + word[0].start) / 2
            tokens.append(TimedToken(" ", gap, gap))
        tokens += word
        if punctuation is not None:
            tokens += [
                TimedToken(ch, word[-1].end, word[-1].end) for ch in punctuation[index] if ch in PUNCTUATION
            ]
    return _monotonic(tokens)


def kokoro_text(
    word_symbols: Sequence[Sequence[str]], languages: Sequence[str], punctuation: Sequence[str] | None = None
) -> str:
    """The Kokoro input string of per-word espeak symbols, exactly as ``timed_tokens`` spells it."""
    untimed = [(0.0, 0.0)] * len(word_symbols)
    tokens = timed_tokens(word_symbols, languages, word_times=untimed, punctuation=punctuation)
    return "".join(token.symbol for token in tokens)


def text_phonemes(text: str, language: str, *, punctuation: bool = True) -> str:
    """Kokoro input for plain text in one language (what generation feeds the model)."""
    words = split_words(text)
    if not words:
        return ""
    said = phonemize([w.text for w in words], language)
    marks = punctuation_after_words(text, [(w.start, w.end) for w in words]) if punctuation else None
    return kokoro_text([list(w.phonemes) for w in said.words], [language] * len(words), marks)


def _monotonic(tokens: list[TimedToken]) -> list[TimedToken]:
    """Make starts and ends non-decreasing (overlapping word timings would break frame sharing)."""
    out: list[TimedToken] = []
    start = end = 0.0
    for token in tokens:
        start = max(start, token.start)
        end = max(end, token.end, start)
        out.append(TimedToken(token.symbol, start, end))
    return out


def token_durations(
    tokens: Sequence[TimedToken], audio_seconds: float, geometry: KokoroGeometry
) -> tuple[list[int], int]:
    """Duration frames of the two pads and every token (pad, tokens..., pad), and their total, which
    covers ``audio_seconds`` to the nearest frame. TimingError when the timings run past the audio or
    the audio is too short to give every token a frame."""
    if not tokens:
        raise TimingError("no_phonemes", "the item has no phonemes to align")
    last = max(token.end for token in tokens)
    if last > audio_seconds + ALIGNMENT_SLACK:
        raise TimingError(
            "alignment_beyond_audio",
            f"timings run to {last:.2f} s but the audio lasts {audio_seconds:.2f} s: the alignment belongs "
            "to other audio (re-run the align stage after any stage that cuts or trims audio)",
            aligned_seconds=round(last, 3),
            audio_seconds=round(audio_seconds, 3),
        )
    frames = geometry.frames_for_samples(round(audio_seconds * geometry.sample_rate))
    spans = [(token.start, min(token.end, audio_seconds)) for token in tokens]
    spans = [(min(start, end), end) for start, end in spans]
    try:
        durations = frame_durations(
            spans,
            total_frames=frames,
            hop_length=geometry.duration_hop,
            sample_rate=geometry.sample_rate,
            min_frames=1,
            pad_edges=True,
        )
    except ItemError as exc:
        raise TimingError(
            "too_fast",
            f"{len(tokens) + 2} Kokoro tokens need a frame each but {audio_seconds:.2f} s gives {frames} "
            f"frames of {geometry.duration_hop} samples",
            tokens=len(tokens) + 2,
            frames=frames,
        ) from exc
    return durations, frames


def punctuation_after_words(text: str, word_spans: Sequence[tuple[int, int]]) -> list[str]:
    """The characters between each word and the next (or the end) in ``text``."""
    out = []
    for index, (_, end) in enumerate(word_spans):
        stop = word_spans[index + 1][0] if index + 1 < len(word_spans) else len(text)
        out.append(text[end:stop])
    return out
