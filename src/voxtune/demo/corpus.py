"""Generate the demo corpus with espeak-ng: seven languages, two voices each, and deliberately bad items.

Everything is deterministic from the seed, so tests and `voxtune demo` see the same corpus every time.
Layout written under the target folder::

    audio/<language>/<speaker>/<nn>.wav   one sentence per file, 22.05 kHz, with word timings
    long/te_podcast.wav                   a 2-speaker Telugu "episode" for segmentation and speaker tests
    bad/*.wav                             items a prepare recipe must reject (see EXPECTED_REJECTIONS)
    manifest.jsonl                        path, text, speaker, language, words per item
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr

from voxtune.corpus.manifest import write_json, write_jsonl
from voxtune.demo.sentences import LANGUAGE_SENTENCES
from voxtune.synth.espeak import Synthesis, Voice, synthesise

MANIFEST = "manifest.jsonl"
EXPECTED_FILE = "expected_rejections.json"
_TE = LANGUAGE_SENTENCES["te"]
EPISODE_TURNS = [_TE[0:2], _TE[2:4], _TE[4:6], _TE[6:8], _TE[1:3], _TE[3:5], _TE[5:7], [_TE[7], _TE[0]]]
"""The Telugu episode: eight turns of two sentences, speakers alternating (male first)."""
TURN_PAUSE = 1.4
SENTENCE_PAUSE = 0.35
BAD_TEXT = "order number 4417093"
BAD_VOICE = Voice("en", "m1")
LEAD_SILENCE = 0.25
"""Seconds of silence around each sentence, as a recording would have."""


@dataclass(frozen=True)
class DemoSpeaker:
    id: str
    voice: Voice


def demo_speakers(language: str) -> list[DemoSpeaker]:
    """Two clearly different voices per language: a low male variant and a high female one."""
    return [
        DemoSpeaker(f"{language}_m", Voice(language, "m3", pitch=40, rate=160)),
        DemoSpeaker(f"{language}_f", Voice(language, "f4", pitch=65, rate=180)),
    ]


def spoken_form_for_espeak(text: str) -> tuple[str, list[int]]:
    """Text espeak should read (digit strings spelled out digit by digit, separators dropped) and, for
    each spoken token, the index of the display token it came from."""
    spoken: list[str] = []
    owners: list[int] = []
    for index, token in enumerate(text.split()):
        if any(ch.isdigit() for ch in token):
            digits = [ch for ch in token if ch.isdigit()]
            spoken.extend(digits)
            owners.extend([index] * len(digits))
        else:
            spoken.append(token)
            owners.append(index)
    return " ".join(spoken), owners


def display_word_times(text: str, synthesis: Synthesis, owners: list[int]) -> list[list[Any]]:
    """Word timings over the display tokens (a digit string spans all of its spoken digits)."""
    tokens = text.split()
    spans: dict[int, list[float]] = {}
    for (_, start, end), owner in zip(synthesis.words, owners, strict=False):
        span = spans.setdefault(owner, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
    return [[tokens[i], round(s, 3), round(e, 3)] for i, (s, e) in sorted(spans.items())]


def _pad(audio: np.ndarray, rate: int, seconds: float = LEAD_SILENCE) -> np.ndarray:
    silence = np.zeros(int(seconds * rate), dtype=np.float32)
    return np.concatenate([silence, audio, silence])


def _shift(words: list[list[Any]], offset: float) -> list[list[Any]]:
    return [[w, round(s + offset, 3), round(e + offset, 3)] for w, s, e in words]


def _say(text: str, voice: Voice) -> tuple[np.ndarray, int, list[list[Any]]]:
    spoken, owners = spoken_form_for_espeak(text)
    synthesis = synthesise(spoken, voice)
    words = display_word_times(text, synthesis, owners)
    return synthesis.audio, synthesis.sample_rate, words


def _write(path: Path, audio: np.ndarray, rate: int, subtype: str = "PCM_16") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, rate, subtype=subtype)


def build_demo_corpus(folder: str | Path, seed: int = 0) -> Path:
    """Write the demo corpus into ``folder`` and return the path of its manifest."""
    folder = Path(folder)
    rng = np.random.default_rng(seed)
    jobs: list[tuple[list[str], Voice]] = []
    owners: list[tuple[str, DemoSpeaker]] = []
    for language, sentences in LANGUAGE_SENTENCES.items():
        for speaker in demo_speakers(language):
            jobs.append((sentences, speaker.voice))
            owners.append((language, speaker))
    te_voices = [speaker.voice for speaker in demo_speakers("te")]
    jobs.extend(
        ([t for turn in EPISODE_TURNS[parity::2] for t in turn], te_voices[parity]) for parity in (0, 1)
    )
    jobs.append(([BAD_TEXT], BAD_VOICE))
    spoken = _speak_in_fresh_processes(jobs)

    rows: list[dict[str, Any]] = []
    for (language, speaker), said in zip(owners, spoken, strict=False):
        for number, (text, (audio, rate, words)) in enumerate(
            zip(LANGUAGE_SENTENCES[language], said, strict=True)
        ):
            relative = Path("audio") / language / speaker.id / f"{number:02d}.wav"
            _write(folder / relative, _pad(audio, rate), rate)
            rows.append(
                {
                    "id": f"{speaker.id}_{number:02d}",
                    "path": str(relative),
                    "text": text,
                    "speaker": speaker.id,
                    "language": language,
                    "words": _shift(words, LEAD_SILENCE),
                }
            )
    by_voice = [iter(spoken[len(owners)]), iter(spoken[len(owners) + 1])]
    turns = [[next(by_voice[i % 2]) for _ in turn] for i, turn in enumerate(EPISODE_TURNS)]
    rows.append(_long_episode(folder, turns))
    bad = spoken[len(owners) + 2]
    bad_rows, expected = _bad_items(folder, rng, bad[0])
    rows.extend(bad_rows)
    write_json(expected, folder / EXPECTED_FILE)
    manifest = folder / MANIFEST
    write_jsonl(rows, manifest)
    return manifest


Spoken = tuple[np.ndarray, int, list[list[Any]]]


def _speak_in_fresh_processes(jobs: list[tuple[list[str], Voice]]) -> list[list[Spoken]]:
    """Synthesise each job (one voice, several texts) in a process of its own.

    espeak-ng's output after a voice change depends on what it said before, not reproducibly; a
    process that only ever speaks with one voice gives the same samples every time.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["voxtune.demo.corpus"])
    with context.Pool(processes=2, maxtasksperchild=1) as pool:
        return pool.starmap(_speak_all, jobs, chunksize=1)


def _speak_all(texts: list[str], voice: Voice) -> list[Spoken]:
    return [_say(text, voice) for text in texts]


def _long_episode(folder: Path, turns: list[list[Spoken]]) -> dict[str, Any]:
    """Two Telugu speakers taking turns (short pauses inside a turn, long ones between): one long
    file with its transcript and word timings, for segmentation and speaker tests."""
    pieces: list[np.ndarray] = []
    words: list[list[Any]] = []
    rate = turns[0][0][1]
    offset = 0.0
    for turn in turns:
        for number, (audio, _, sentence_words) in enumerate(turn):
            pause = np.zeros(int((TURN_PAUSE if number == 0 else SENTENCE_PAUSE) * rate), dtype=np.float32)
            pieces.extend([pause, audio])
            offset += len(pause) / rate
            words.extend(_shift(sentence_words, offset))
            offset += len(audio) / rate
    pieces.append(np.zeros(int(0.5 * rate), dtype=np.float32))
    relative = Path("long") / "te_podcast.wav"
    _write(folder / relative, np.concatenate(pieces), rate)
    text = " ".join(sentence for turn in EPISODE_TURNS for sentence in turn)
    return {"id": "te_podcast", "path": str(relative), "text": text, "language": "te", "words": words}


def _bad_items(
    folder: Path, rng: np.random.Generator, spoken: Spoken
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Items with one defect each, and the rejection each should get (stage code family)."""
    text = BAD_TEXT
    speech, rate, words = spoken
    speech = _pad(speech, rate)
    words = _shift(words, LEAD_SILENCE)
    bad = folder / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    expected: dict[str, str] = {}

    def add(
        name: str, reason: str, audio: np.ndarray | None, row_text: str | None = text, **extra: Any
    ) -> None:
        relative = Path("bad") / f"{name}.wav"
        if audio is not None:
            _write(folder / relative, audio, extra.pop("rate", rate), extra.pop("subtype", "PCM_16"))
        row = {
            "id": f"bad_{name}",
            "path": str(relative),
            "speaker": "en_bad",
            "language": extra.pop("language", "en"),
        }
        if row_text is not None:
            row["text"] = row_text
        if extra.pop("with_words", False):
            row["words"] = words
        rows.append(row)
        expected[row["id"]] = reason

    add("silence", "silent", np.zeros(int(2.0 * rate), dtype=np.float32))
    add("clipped", "clipping", np.clip(speech * 12.0, -1.0, 1.0))
    noise = rng.standard_normal(len(speech)).astype(np.float32)
    noise *= np.sqrt(np.mean(speech**2) / np.mean(noise**2)) * 10 ** (5 / 20)
    add("noisy", "low_snr", speech + noise)
    add(
        "too_short",
        "too_short",
        speech[int(LEAD_SILENCE * rate) : int((LEAD_SILENCE + 0.12) * rate)],
        row_text="or",
    )
    (bad / "corrupt.wav").write_bytes(
        b"RIFF\x00\x10\x00\x00WAVEfmt " + bytes(rng.integers(0, 256, 200, dtype=np.uint8))
    )
    add("corrupt", "unreadable_audio", None)
    (bad / "empty.wav").write_bytes(b"")
    add("empty", "empty_file", None)
    with_nan = speech.copy()
    with_nan[len(with_nan) // 2 : len(with_nan) // 2 + 100] = np.nan
    add("nan", "non_finite_samples", with_nan, subtype="FLOAT")
    narrow = soxr.resample(soxr.resample(speech, rate, 8000), 8000, rate).astype(np.float32)
    add("narrowband", "low_bandwidth", narrow)
    add("dc_offset", "dc_offset", np.clip(speech * 0.5 + 0.4, -1, 1))
    add("wrong_script", "wrong_script", speech, row_text="namaskaram meeru ela unnaru", language="te")
    add("broken_number", "malformed_number", speech, row_text="order number 12-34-")
    add("empty_text", "empty_text", speech, row_text="   ")
    return rows, expected


def expected_rejections(folder: str | Path) -> dict[str, str]:
    from voxtune.corpus.manifest import read_json

    return read_json(Path(folder) / EXPECTED_FILE)


def demo_languages() -> Iterable[str]:
    return LANGUAGE_SENTENCES.keys()
