"""espeak-ng synthesis through its C API, with word timings from its word events.

The library and its voice data ship inside the ``espeakng-loader`` wheel, so nothing is installed on the
system. phonemizer wraps the same library but only for phonemes; synthesis with word events has no
maintained Python binding, hence this small ctypes layer.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import espeakng_loader
import numpy as np

from voxtune.errors import InputError

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_PARAM_RATE = 1
_PARAM_PITCH = 3
_PARAM_RANGE = 4


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Voice:
    """An espeak voice: language code, optional variant (``m3``, ``f2``...), pitch and speaking rate."""

    language: str
    variant: str | None = None
    pitch: int = 50
    """0-100, espeak's default 50."""
    rate: int = 175
    """Words per minute, espeak's default 175."""
    pitch_range: int = 50

    @property
    def name(self) -> str:
        return self.language if not self.variant else f"{self.language}+{self.variant}"


@dataclass(frozen=True)
class Synthesis:
    """Synthesised audio (float32 mono in [-1, 1]) and the (word, start_s, end_s) timing of each word."""

    audio: np.ndarray
    sample_rate: int
    words: list[tuple[str, float, float]]


class _Engine:
    """The process-wide espeak-ng instance (the C library keeps global state, so one lock guards it)."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.libc = ctypes.CDLL(None)
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise InputError("espeak-ng failed to start", path=espeakng_loader.get_library_path())
        self.lock = threading.Lock()
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int]] = []
        self._callback = _CALLBACK(self._on_audio)
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]

    def _on_audio(
        self, wav: ctypes.POINTER(ctypes.c_short), count: int, events: ctypes.POINTER(_Event)
    ) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                self._events.append((event.text_position, event.length, event.audio_position))
            index += 1
        return 0

    def synthesise(self, text: str, voice: Voice, seed: int) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.name.encode()) != 0:
                raise InputError(
                    f"espeak-ng has no voice '{voice.name}'",
                    hint="Use a language code espeak-ng knows (e.g. en, te, ms, nb, sv, da, lb)",
                )
            for parameter, value in (
                (_PARAM_RATE, voice.rate),
                (_PARAM_PITCH, voice.pitch),
                (_PARAM_RANGE, voice.pitch_range),
            ):
                self.lib.espeak_SetParameter(parameter, value, 0)
            self._chunks, self._events = [], []
            self.libc.srand(seed)  # espeak-ng draws breath and noise from libc's rand()
            data = text.encode("utf-8")
            self.lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
            return audio, list(self._events)


_ENGINE: _Engine | None = None


def _engine() -> _Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _Engine()
    return _ENGINE


def sample_rate() -> int:
    return _engine().sample_rate


def synthesise(text: str, voice: Voice, seed: int = 0) -> Synthesis:
    """Speak ``text`` with ``voice``; word times come from espeak's word events, ends trimmed to speech.

    espeak-ng also keeps a little state between utterances (the output drifts by a few samples), so
    only the same sequence of calls in a fresh process reproduces audio bit for bit.
    """
    engine = _engine()
    raw, events = engine.synthesise(text, voice, seed)
    audio = raw.astype(np.float32) / 32768.0
    rate = engine.sample_rate
    words = _word_times(text, events, audio, rate)
    return Synthesis(audio=audio, sample_rate=rate, words=words)


def _word_times(
    text: str, events: list[tuple[int, int, int]], audio: np.ndarray, rate: int
) -> list[tuple[str, float, float]]:
    """Each word spans from its event to the last loud sample before the next word's event."""
    duration = len(audio) / rate
    starts = [min(position / 1000.0, duration) for _, _, position in events]
    words: list[tuple[str, float, float]] = []
    for index, (text_position, length, _) in enumerate(events):
        word = text[text_position - 1 : text_position - 1 + length]
        start = starts[index]
        limit = starts[index + 1] if index + 1 < len(starts) else duration
        end = _last_loud(audio, rate, start, limit)
        words.append((word, float(start), float(max(end, start))))
    return words


def _last_loud(audio: np.ndarray, rate: int, start: float, stop: float, threshold: float = 0.01) -> float:
    segment = np.abs(audio[int(start * rate) : int(stop * rate)])
    loud = np.flatnonzero(segment > threshold)
    if loud.size == 0:
        return stop
    return start + (loud[-1] + 1) / rate
