"""Corpus cut -> Kokoro training example, and examples -> padded batch.

An example holds the token ids (pads included), teacher durations, the audio cut to whole duration
frames at 24 kHz, its F0 and energy curves (two values per duration frame) and the speaker's voice
table index. F0 and energy are computed once per audio content and cached (memory, and ``cache_dir``
when given), since the trainer rebuilds examples every time it draws them.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from lhotse.cut import Cut
from torch.nn.utils.rnn import pad_sequence

from voxtune.corpus import fields
from voxtune.errors import ItemError
from voxtune.models.base import Batch, Example
from voxtune.models.codec_cache import cut_waveform
from voxtune.models.kokoro.geometry import PAD_TOKENS, KokoroGeometry
from voxtune.models.kokoro.settings import KokoroSettings
from voxtune.models.kokoro.spectral import MelSpectrogram
from voxtune.models.kokoro.targets import energy_curve, f0_curve, fit_to_frames
from voxtune.models.kokoro.timing import (
    TimingError,
    espeak_symbols,
    kokoro_text,
    punctuation_after_words,
    timed_tokens,
    token_durations,
)
from voxtune.models.kokoro.vocabulary import (
    NEAREST_SYMBOLS,
    KokoroVocabulary,
    NearestSymbol,
    PhonemeError,
    SymbolPlan,
)
from voxtune.text.language_tags import PARTICLE
from voxtune.text.words import split_words

DEFAULT_VOICE = "default"
"""Voice table of items without a speaker."""


def symbol_table(settings: KokoroSettings) -> dict[str, NearestSymbol]:
    """The built-in nearest-symbol table with the config's ``symbol_map`` on top."""
    extra = {
        s: NearestSymbol(n, "from the training config's symbol_map") for s, n in settings.symbol_map.items()
    }
    return {**NEAREST_SYMBOLS, **extra}


class TargetCache:
    """F0 and energy curves by audio content (and F0 method): in memory, and on disk under ``root``."""

    def __init__(self, root: Path | None):
        self.root = None if root is None else Path(root) / "kokoro-targets"
        self._memory: dict[str, np.ndarray] = {}
        self.computed = 0

    def curves(
        self, audio: np.ndarray, frames: int, what: str, compute: Callable[[], np.ndarray]
    ) -> np.ndarray:
        """Curve ``what`` (``dio``/``harvest`` F0, ``energy``) of ``audio``: cached, else ``compute()``."""
        digest = hashlib.sha256(f"{what}|{frames}|{audio.shape}|".encode())
        digest.update(np.ascontiguousarray(audio, dtype=np.float32).tobytes())
        key = digest.hexdigest()[:32]
        if key in self._memory:
            return self._memory[key]
        path = None if self.root is None else self.root / key[:2] / f"{key}.npy"
        if path is not None and path.is_file():
            try:
                value = np.load(path, allow_pickle=False)
                self._memory[key] = value
                return value
            except (ValueError, OSError, EOFError):
                path.unlink(missing_ok=True)
        value = compute()
        self.computed += 1
        self._memory[key] = value
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                with temporary.open("wb") as handle:
                    np.save(handle, value, allow_pickle=False)
                temporary.replace(path)
            finally:
                temporary.unlink(missing_ok=True)
        return value


@dataclass(frozen=True)
class CutWords:
    """A cut's words as Kokoro reads them: espeak symbols, language and following punctuation of each."""

    symbols: list[list[str]]
    languages: list[str]
    punctuation: list[str] | None

    def text(self) -> str:
        """The Kokoro input string (misaki symbols) of the words."""
        return kokoro_text(self.symbols, self.languages, self.punctuation)


def cut_words(cut: Cut, settings: KokoroSettings) -> CutWords:
    """The words of a cut's one supervision with their espeak symbols (from the phonemise stage's IPA)."""
    if len(cut.supervisions) != 1:
        raise ItemError(
            "supervisions",
            f"{cut.id} has {len(cut.supervisions)} supervisions; Kokoro trains on one per item",
        )
    sup = cut.supervisions[0]
    custom = sup.custom or {}
    words = split_words(sup.text or "")
    word_ipa = custom.get(fields.WORD_PHONEMES)
    if not words or not word_ipa or len(word_ipa) != len(words):
        raise TimingError(
            "missing_phonemes",
            f"{cut.id} has no per-word phonemes matching its text; run the phonemise stage (output: ipa)",
        )
    language = sup.language or settings.language or "en"
    tags = custom.get(fields.WORD_LANGUAGES)
    languages = (
        [language if tag == PARTICLE else tag for tag in tags]
        if tags and len(tags) == len(words)
        else [language] * len(words)
    )
    punctuation = (
        punctuation_after_words(sup.text or "", [(w.start, w.end) for w in words])
        if settings.punctuation
        else None
    )
    return CutWords(espeak_symbols([w.text for w in words], word_ipa, languages), languages, punctuation)


def corpus_symbol_plan(
    cuts: Iterable[Cut], vocabulary: KokoroVocabulary, settings: KokoroSettings
) -> SymbolPlan:
    """What becomes of the symbols a corpus uses that ``vocabulary`` lacks, with their counts (items
    without usable phonemes are skipped; training sends them to the ledger)."""
    counts: Counter = Counter()
    for cut in cuts:
        try:
            counts.update(cut_words(cut, settings).text())
        except ItemError:
            continue
    return vocabulary.plan(counts, settings.new_symbols, symbol_table(settings))


class KokoroItemEncoder:
    """Cut -> Example for one Kokoro model; ``limit`` is Kokoro's context in tokens (pads included)."""

    def __init__(
        self,
        vocabulary: KokoroVocabulary,
        geometry: KokoroGeometry,
        settings: KokoroSettings,
        voices: Mapping[str, int],
        cache: TargetCache,
    ):
        self.vocabulary = vocabulary
        self.geometry = geometry
        self.settings = settings
        self.voices = dict(voices)
        self.cache = cache
        self.limit = geometry.context_length
        self._tokens: dict[str, tuple[list[int], list[int], int]] = {}
        self._mel = MelSpectrogram()

    def voice_of(self, cut: Cut) -> int:
        speaker = cut.supervisions[0].speaker or DEFAULT_VOICE
        if speaker not in self.voices:
            raise ItemError("unknown_speaker", f"no voice table for speaker '{speaker}'", speaker=speaker)
        return self.voices[speaker]

    def tokens(self, cut: Cut) -> tuple[list[int], list[int], int]:
        """(token ids without pads, durations with pads, total frames) of a cut, computed once."""
        if cut.id not in self._tokens:
            self._tokens[cut.id] = self._compute_tokens(cut)
        return self._tokens[cut.id]

    def _compute_tokens(self, cut: Cut) -> tuple[list[int], list[int], int]:
        words = cut_words(cut, self.settings)
        sup = cut.supervisions[0]
        shift = cut.start  # alignment times count from the recording's start
        if self.settings.duration_source == "phonemes":
            items = (sup.alignment or {}).get(fields.PHONEME_ALIGNMENT)
            if not items:
                raise TimingError(
                    "missing_alignment",
                    f"{cut.id} has no phoneme timings; run the align stage with level: phonemes, "
                    "or set duration_source: words",
                )
            times = [(item.start - shift, item.end - shift) for item in items]
            tokens = timed_tokens(
                words.symbols, words.languages, phoneme_times=times, punctuation=words.punctuation
            )
        else:
            items = (sup.alignment or {}).get(fields.WORD_ALIGNMENT)
            if not items:
                raise TimingError("missing_alignment", f"{cut.id} has no word timings")
            times = [(item.start - shift, item.end - shift) for item in items]
            tokens = timed_tokens(
                words.symbols, words.languages, word_times=times, punctuation=words.punctuation
            )
        ids = self.vocabulary.ids("".join(token.symbol for token in tokens))
        if len(ids) > self.geometry.max_phonemes:
            raise PhonemeError(
                "too_many_phonemes",
                f"{cut.id} has {len(ids)} phoneme symbols, more than Kokoro's {self.geometry.max_phonemes}",
                symbols=len(ids),
            )
        kept = [t for t in tokens if t.symbol not in self.vocabulary.drop]
        durations, frames = token_durations(kept, cut.duration, self.geometry)
        return ids, durations, frames

    def length(self, cut: Cut) -> int:
        return len(self.tokens(cut)[0]) + PAD_TOKENS

    def encode(self, cut: Cut, context: Sequence[Cut] = ()) -> Example:
        ids, durations, frames = self.tokens(cut)
        geometry = self.geometry
        audio = cut_waveform(cut, geometry.sample_rate, mono=True)[0]
        audio = fit_to_frames(audio, frames, geometry.duration_hop, tolerance=geometry.duration_hop)
        curve_frames = frames * geometry.f0_per_duration_frame
        method = self.settings.f0_method
        f0 = self.cache.curves(
            audio, curve_frames, method, lambda: f0_curve(audio, geometry, curve_frames, method=method)
        )
        energy = self.cache.curves(
            audio, curve_frames, "energy", lambda: energy_curve(audio, curve_frames, self._mel)
        )
        length = len(ids) + PAD_TOKENS
        tensors = {
            "input_ids": torch.tensor([0, *ids, 0], dtype=torch.long),
            "durations": torch.tensor(durations, dtype=torch.long),
            "f0": torch.from_numpy(np.asarray(f0, dtype=np.float32)),
            "energy": torch.from_numpy(np.asarray(energy, dtype=np.float32)),
            "audio": torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)),
            "speaker": torch.tensor(self.voice_of(cut), dtype=torch.long),
        }
        return Example(cut.id, tensors, length=length, targets=length)


def collate(examples: Sequence[Example]) -> Batch:
    """Pad token ids and durations (0), curves and audio (0) to the batch's longest item."""
    if not examples:
        raise ValueError("cannot collate an empty batch")
    lengths = torch.tensor([e.tensors["input_ids"].shape[0] for e in examples], dtype=torch.long)

    def padded(name: str) -> torch.Tensor:
        return pad_sequence([e.tensors[name] for e in examples], batch_first=True, padding_value=0)

    tensors = {
        "input_ids": padded("input_ids"),
        "input_lengths": lengths,
        "durations": padded("durations"),
        "f0": padded("f0"),
        "energy": padded("energy"),
        "audio": padded("audio"),
        "speakers": torch.stack([e.tensors["speaker"] for e in examples]),
    }
    positions = int(lengths.sum())
    return Batch(
        tensors,
        [e.id for e in examples],
        positions=positions,
        padded_positions=len(examples) * int(lengths.max()),
        targets=positions,
    )
