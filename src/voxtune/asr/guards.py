"""Guards against Whisper's hallucinations: loops, too much text for the audio, text over silence.

Each measure is a pure function; :func:`check_transcript` applies them with thresholds and raises a
:class:`TranscriptionError` whose code says which guard fired and whose details hold the measured
value, so the item goes to the ledger with a reason a person can check.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from voxtune.asr.errors import TranscriptionError
from voxtune.asr.transcript import Transcript, Word
from voxtune.audio.levels import frame_power_db


@dataclass(frozen=True)
class Activity:
    """Which consecutive frames of ``frame`` seconds hold sound (frame ``i`` covers ``[i, i+1) * frame``)."""

    active: np.ndarray
    frame: float

    @property
    def active_seconds(self) -> float:
        return float(self.active.sum()) * self.frame

    def any_active(self, start: float, end: float) -> bool:
        """Whether any frame overlapping ``[start, end]`` seconds (a point when they are equal) is active."""
        if self.active.size == 0:
            return False
        first = max(0, math.floor(start / self.frame))
        last = min(self.active.size - 1, max(first, math.ceil(end / self.frame) - 1))
        return first <= last and bool(self.active[first : last + 1].any())


def speech_activity(
    audio: np.ndarray,
    sample_rate: int,
    *,
    floor_db: float = -50.0,
    below_peak_db: float = 40.0,
    frame: float = 0.02,
) -> Activity:
    """Frames louder than ``floor_db`` dBFS and within ``below_peak_db`` dB of the loudest frame.

    An energy rule, not a voice detector: it tells silence from sound, which is what the guards need
    to catch text over silence without another model.
    """
    power = frame_power_db(audio, sample_rate, frame)
    if power.size == 0:
        return Activity(np.zeros(0, dtype=bool), frame)
    threshold = max(floor_db, float(power.max()) - below_peak_db)
    return Activity(power > threshold, frame)


@dataclass(frozen=True)
class Repeat:
    """The n-gram repeated most often back to back, and how many times it occurs in that run."""

    ngram: tuple[str, ...]
    count: int


def longest_repeat(words: Sequence[str], max_n: int = 5) -> Repeat:
    """The n-gram (n <= ``max_n``) with the most consecutive copies; words compare case-insensitively.

    ``"thank you thank you thank you"`` gives ``Repeat(("thank", "you"), 3)``; a text without any
    repetition gives a count of 1 (or 0 when empty). The shortest n-gram wins ties.
    """
    tokens = [_bare(word) for word in words]
    tokens = [token for token in tokens if token]
    best = Repeat(tuple(tokens[:1]), 1 if tokens else 0)
    for n in range(1, max_n + 1):
        start = 0
        while start + 2 * n <= len(tokens):
            gram = tokens[start : start + n]
            count = 1
            while tokens[start + count * n : start + (count + 1) * n] == gram:
                count += 1
            if count > best.count:
                best = Repeat(tuple(gram), count)
            # a run starting inside this one has the same period and ends where it ends: no longer
            start += max(1, (count - 1) * n)
    return best


def _bare(word: str) -> str:
    """A word without surrounding punctuation, lower-cased, so "you," and "You" repeat "you"."""
    return regex.sub(r"^[\p{P}\p{S}]+|[\p{P}\p{S}]+$", "", word).casefold()


def compression_ratio(text: str) -> float:
    """UTF-8 bytes over zlib-compressed bytes: Whisper's own loop detector (it falls back above 2.4)."""
    data = text.encode("utf-8")
    if not data:
        return 0.0
    return len(data) / len(zlib.compress(data))


def visible_characters(text: str) -> int:
    """Grapheme clusters that are not whitespace: a Telugu syllable with its vowel sign counts once."""
    return sum(1 for cluster in regex.findall(r"\X", text) if not cluster.isspace())


def characters_per_second(text: str, seconds: float) -> float:
    return visible_characters(text) / seconds if seconds > 0 else float("inf")


def words_over_silence(words: Sequence[Word], activity: Activity, margin: float = 0.0) -> list[Word]:
    """Words with no active frame in their span widened by ``margin`` seconds on either side."""
    return [word for word in words if not activity.any_active(word.start - margin, word.end + margin)]


@dataclass(frozen=True)
class GuardSettings:
    """Thresholds of the transcript guards; ``None`` switches a guard off."""

    max_repeats: int | None = 4
    """Most consecutive copies of one n-gram (up to ``repeat_max_n`` words) a transcript may hold."""
    repeat_max_n: int = 5
    max_compression_ratio: float | None = 2.4
    max_characters_per_second: float | None = 25.0
    """Visible characters (grapheme clusters) per second of audio, after ``character_slack``."""
    character_slack: int = 5
    """Characters allowed on top of the rate, so a 0.2 s "seven" is not too long."""
    min_speech_seconds: float | None = 0.1
    """Less sound than this (by frame energy) means no speech: the item is not transcribed."""
    max_silent_word_share: float | None = 0.5
    """Share of words lying entirely over silent frames above which the text is rejected."""
    silence_margin: float = 0.1
    """Seconds around a word that still count as its span (word times are only 20 ms exact)."""
    max_no_speech_probability: float | None = None
    """Whisper's no-speech probability above which the item is rejected (Whisper itself uses 0.6)."""
    floor_db: float = -50.0
    below_peak_db: float = 40.0


def check_speech_present(activity: Activity, settings: GuardSettings) -> None:
    """Raise ``no_speech`` when the audio holds less sound than ``min_speech_seconds``."""
    if settings.min_speech_seconds is None:
        return
    seconds = activity.active_seconds
    if seconds < settings.min_speech_seconds:
        raise TranscriptionError(
            "no_speech",
            f"only {seconds:.2f} s of the audio is above the silence threshold "
            f"(need {settings.min_speech_seconds:.2f} s)",
            active_seconds=round(seconds, 3),
        )


def check_transcript(
    transcript: Transcript, audio_seconds: float, activity: Activity | None, settings: GuardSettings
) -> None:
    """Raise a TranscriptionError for the first guard a transcript fails; return quietly if none.

    Order: empty, no-speech probability, repeats, compression ratio, length for the audio, words
    over silence (only when ``activity`` is given and the transcript has word times).
    """
    text = transcript.text.strip()
    if not text:
        raise TranscriptionError("empty_transcript", "the transcriber returned no text")
    no_speech = transcript.no_speech_probability
    limit = settings.max_no_speech_probability
    if limit is not None and no_speech is not None and no_speech > limit:
        raise TranscriptionError(
            "no_speech",
            f"Whisper's no-speech probability is {no_speech:.2f} (above {limit:.2f})",
            no_speech_probability=round(no_speech, 4),
        )
    if settings.max_repeats is not None:
        repeat = longest_repeat(text.split(), settings.repeat_max_n)
        if repeat.count > settings.max_repeats:
            phrase = " ".join(repeat.ngram)
            raise TranscriptionError(
                "hallucination_repeat",
                f"'{phrase}' is repeated {repeat.count} times in a row (at most {settings.max_repeats})",
                ngram=phrase,
                repeats=repeat.count,
            )
    if settings.max_compression_ratio is not None:
        ratio = compression_ratio(text)
        if ratio > settings.max_compression_ratio:
            raise TranscriptionError(
                "hallucination_repeat",
                f"the text compresses {ratio:.2f}:1 (above {settings.max_compression_ratio:.2f}), "
                "a sign of looping",
                compression_ratio=round(ratio, 3),
            )
    if settings.max_characters_per_second is not None:
        characters = visible_characters(text)
        allowed = settings.max_characters_per_second * audio_seconds + settings.character_slack
        if characters > allowed:
            raise TranscriptionError(
                "text_too_long",
                f"{characters} characters for {audio_seconds:.2f} s of audio "
                f"({characters_per_second(text, audio_seconds):.1f} per second; "
                f"at most {settings.max_characters_per_second:.0f} per second)",
                characters=characters,
                seconds=round(audio_seconds, 3),
            )
    if settings.max_silent_word_share is not None and activity is not None and transcript.words:
        silent = words_over_silence(transcript.words, activity, settings.silence_margin)
        share = len(silent) / len(transcript.words)
        if share > settings.max_silent_word_share:
            raise TranscriptionError(
                "text_over_silence",
                f"{len(silent)} of {len(transcript.words)} words lie over silence "
                f"(e.g. '{silent[0].text}' at {silent[0].start:.2f}-{silent[0].end:.2f} s)",
                silent_words=len(silent),
                words=len(transcript.words),
            )


def activity_of(audio: np.ndarray, sample_rate: int, settings: GuardSettings) -> Activity:
    """The speech-activity mask the guards use, with the settings' thresholds."""
    return speech_activity(
        audio, sample_rate, floor_db=settings.floor_db, below_peak_db=settings.below_peak_db
    )
