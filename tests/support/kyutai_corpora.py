"""FSDD-built corpora and tiny Kyutai models for the STT, Moshi, merge and pause-probe tests.

Dictated numbers are made by joining FSDD digit recordings of one speaker with short gaps, so every
word has an exact timing; stereo dialogues put one speaker on the model channel and another on the
user channel.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from lhotse import AudioSource, MultiCut, Recording, SupervisionSegment
from lhotse.supervision import AlignmentItem

from support.tiny_csm import DIGITS, SPEAKERS, fsdd_clips
from voxtune.corpus import fields
from voxtune.corpus.manifest import write_cuts
from voxtune.sources.items import cut_from_file

RATE = 8000
GAP = 0.12


def _clip(fsdd_dir: Path, digit: int, speaker: str, index: int) -> np.ndarray:
    audio, rate = sf.read(str(fsdd_dir / f"{digit}_{speaker}_{index}.wav"), dtype="float32")
    assert rate == RATE
    return audio


def join_digits(
    fsdd_dir: Path, digits: list[int], speaker: str, index: int, lead: float = 0.15
) -> tuple[np.ndarray, list[list[Any]]]:
    """One speaker saying ``digits`` one after the other: audio at 8 kHz and ``[word, start, end]`` rows."""
    pieces = [np.zeros(round(lead * RATE), np.float32)]
    words: list[list[Any]] = []
    at = lead
    for number, digit in enumerate(digits):
        clip = _clip(fsdd_dir, digit, speaker, (index + number) % 50)
        words.append([DIGITS[digit], round(at, 4), round(at + len(clip) / RATE, 4)])
        pieces += [clip, np.zeros(round(GAP * RATE), np.float32)]
        at += len(clip) / RATE + GAP
    return np.concatenate(pieces), words


def dictation_corpus(
    fsdd_dir: Path, folder: Path, *, count: int = 48, seed: int = 0, single_every: int = 4
) -> Path:
    """A prepared-corpus folder of dictated numbers (2-4 digits, original text in figures, spoken-form
    text in words) and, every ``single_every``-th item, a single digit (not a digit sequence)."""
    rng = np.random.default_rng(seed)
    cuts = []
    audio_dir = folder / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        speaker = SPEAKERS[number % len(SPEAKERS)]
        size = 1 if number % single_every == 0 else int(rng.integers(2, 5))
        digits = [int(d) for d in rng.integers(0, 10, size)]
        audio, words = join_digits(fsdd_dir, digits, speaker, number)
        path = audio_dir / f"{number:03d}.wav"
        sf.write(str(path), audio, RATE)
        text = " ".join(DIGITS[d] for d in digits)
        cut = cut_from_file(path, f"dict{number:03d}", text=text, speaker=speaker, language="en", words=words)
        cut.supervisions[0].custom = {fields.TEXT_ORIGINAL: "".join(str(d) for d in digits)}
        cut.custom[fields.SPLIT] = "validation" if number % 8 == 7 else "train"
        cuts.append(cut)
    write_cuts(cuts, folder / "cuts.jsonl.gz")
    return folder


def dictation_texts() -> list[str]:
    return [*DIGITS, *(f"{a} {b}" for a, b in itertools.pairwise(DIGITS)), "order number", "call me back"]


def build_tiny_stt(fsdd_dir: Path, folder: Path, **options: Any) -> Path:
    from voxtune.models.kyutai_stt.tiny import build_tiny_stt as build

    return build(folder, dictation_texts(), audio=fsdd_clips(fsdd_dir), **options)


def _turn(
    cut_id: str,
    role: str,
    channel: int,
    who: str,
    words: list[list[Any]],
    duration: float,
    emotion: str | None,
) -> SupervisionSegment:
    return SupervisionSegment(
        id=f"{cut_id}-{role}",
        recording_id=cut_id,
        start=0.0,
        duration=duration,
        channel=channel,
        text=" ".join(w[0] for w in words),
        speaker=who,
        language="en",
        alignment={fields.WORD_ALIGNMENT: [AlignmentItem(w[0], w[1], round(w[2] - w[1], 4)) for w in words]},
        custom={fields.EMOTION: emotion} if emotion else None,
    )


def stereo_dialogue_corpus(
    fsdd_dir: Path,
    folder: Path,
    *,
    count: int = 24,
    model_speakers: tuple[str, ...] = ("george", "lucas"),
    user: str = "jackson",
    emotions: tuple[str, ...] = ("happy", "calm"),
    seed: int = 0,
) -> Path:
    """Two-channel dialogues: the user says a digit on channel 1, then the model answers with the next
    two digits on channel 0 (``channel_roles`` model 0, user 1); each has a speaker and an emotion."""
    rng = np.random.default_rng(seed)
    audio_dir = folder / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    cuts = []
    for number in range(count):
        speaker = model_speakers[number % len(model_speakers)]
        first = int(rng.integers(0, 8))
        user_audio, user_words = join_digits(fsdd_dir, [first], user, number, lead=0.1)
        model_audio, model_words = join_digits(
            fsdd_dir, [first + 1, first + 2], speaker, number, lead=len(user_audio) / RATE + 0.1
        )
        length = max(len(user_audio), len(model_audio)) + round(0.2 * RATE)
        stereo = np.zeros((length, 2), np.float32)
        stereo[: len(model_audio), 0] = model_audio
        stereo[: len(user_audio), 1] = user_audio
        path = audio_dir / f"{number:03d}.wav"
        sf.write(str(path), stereo, RATE)
        duration = length / RATE
        cut_id = f"dlg{number:03d}"
        recording = Recording(
            id=cut_id,
            sources=[AudioSource(type="file", channels=[0, 1], source=str(path))],
            sampling_rate=RATE,
            num_samples=length,
            duration=duration,
        )
        cut = MultiCut(id=cut_id, start=0.0, duration=duration, channel=[0, 1], recording=recording)

        emotion = emotions[number % len(emotions)]
        cut.supervisions = [
            _turn(cut_id, "model", 0, speaker, model_words, duration, emotion),
            _turn(cut_id, "user", 1, user, user_words, duration, None),
        ]
        cut.custom = {
            fields.CHANNEL_ROLES: {"model": 0, "user": 1},
            fields.SPLIT: "validation" if number % 6 == 5 else "train",
        }
        cuts.append(cut)
    write_cuts(cuts, folder / "cuts.jsonl.gz")
    return folder


# -- fixtures (imported by the conftests that use them) -------------------------------------------------


@pytest.fixture(scope="session")
def tiny_stt(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Kyutai STT folder (weights, tokenizer, feature extractor, pause heads), built once."""
    return build_tiny_stt(fsdd_dir, tmp_path_factory.mktemp("tiny-stt") / "model")


@pytest.fixture(scope="session")
def dictation_dir(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """48 dictated numbers (FSDD digits joined) as a prepared corpus with a validation split."""
    return dictation_corpus(fsdd_dir, tmp_path_factory.mktemp("dictation"))


@pytest.fixture(scope="session")
def kyutai_codes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A codec cache shared by the Kyutai tests, so each recording is encoded once per session."""
    return tmp_path_factory.mktemp("kyutai-codes")


@pytest.fixture(scope="session")
def tiny_moshi(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Moshi folder (weights, tokenizer) built once; its tokenizer knows the control prefixes."""
    from voxtune.models.moshi.tiny import build_tiny_moshi

    texts = [*dictation_texts(), "[speaker: george] [emotion: happy]", "[speaker: lucas] [emotion: calm]"]
    return build_tiny_moshi(
        tmp_path_factory.mktemp("tiny-moshi") / "model", texts, audio=fsdd_clips(fsdd_dir)
    )


@pytest.fixture(scope="session")
def dialogue_dir(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """48 stereo dialogues (user on channel 1, model on channel 0) with speakers and emotions."""
    return stereo_dialogue_corpus(fsdd_dir, tmp_path_factory.mktemp("dialogues"), count=48)
