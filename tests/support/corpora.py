"""Small corpora built from FSDD recordings (real speech) for export and import tests.

Each item is one spoken digit with a known transcript (``text_original`` the digit, ``text`` its
spoken form), speaker, language, a word timing and Kokoro-style phonemes, so every format's fields
are filled with values a test can predict.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from lhotse import AudioSource, Recording, SupervisionSegment
from lhotse.cut import Cut, MonoCut, MultiCut
from lhotse.supervision import AlignmentItem

from voxtune.corpus import Corpus, fields
from voxtune.corpus.manifest import write_cuts
from voxtune.sources.items import cut_from_file

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
PHONEMES = ["zˈɪɹO", "wˈʌn", "tˈu", "θɹˈi", "fˈɔɹ", "fˈIv", "sˈɪks", "sˈɛvən", "ˈAt", "nˈIn"]
FSDD_RATE = 8000


def fsdd_cut(
    fsdd_dir: Path,
    digit: int,
    speaker: str,
    index: int,
    *,
    split: str | None = None,
    language: str = "en",
    words: bool = True,
    phonemes: bool = True,
) -> Cut:
    """One FSDD recording as a corpus item, id ``<speaker>/<digit>_<index>``."""
    path = fsdd_dir / f"{digit}_{speaker}_{index}.wav"
    duration = sf.info(str(path)).duration
    timing = [[WORDS[digit], round(0.1 * duration, 4), round(0.9 * duration, 4)]] if words else None
    cut = cut_from_file(
        path,
        f"{speaker}/{digit}_{index}",
        text=WORDS[digit],
        speaker=speaker,
        language=language,
        words=timing,
    )
    custom = cut.supervisions[0].custom
    custom[fields.TEXT_ORIGINAL] = str(digit)
    if phonemes:
        custom[fields.PHONEMES] = PHONEMES[digit]
    if split:
        fields.cut_custom(cut)[fields.SPLIT] = split
    return cut


def fsdd_cuts(
    fsdd_dir: Path, speakers: tuple[str, ...] = ("george", "jackson"), per_speaker: int = 3
) -> list[Cut]:
    """``per_speaker`` items per speaker with different digits, the last of each held out for validation."""
    cuts = []
    for speaker in speakers:
        for n in range(per_speaker):
            split = "validation" if n == per_speaker - 1 else "train"
            cuts.append(fsdd_cut(fsdd_dir, (n * 3 + len(speaker)) % 10, speaker, n, split=split))
    return cuts


def write_corpus(folder: Path, cuts: list[Cut]) -> Corpus:
    """A corpus folder holding exactly ``cuts`` (what `voxtune prepare` would have written)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_cuts(cuts, folder / "cuts.jsonl.gz")
    return Corpus.open(folder)


def conversation_recording(
    fsdd_dir: Path, folder: Path, turns: list[tuple[str, int]], gap: float = 0.3, conversation: str = "talk1"
) -> tuple[list[Cut], np.ndarray]:
    """One mono 8 kHz file of alternating speakers, and a window cut per turn (as segmentation makes).

    Word timings are recording-relative, as lhotse keeps them. Returns the cuts and the file's samples.
    """
    pieces: list[np.ndarray] = []
    spans: list[tuple[str, int, float, float]] = []
    offset = gap
    pieces.append(np.zeros(int(gap * FSDD_RATE), dtype=np.float32))
    for speaker, digit in turns:
        audio, _ = sf.read(str(fsdd_dir / f"{digit}_{speaker}_0.wav"), dtype="float32")
        spans.append((speaker, digit, offset, len(audio) / FSDD_RATE))
        pieces.extend([audio, np.zeros(int(gap * FSDD_RATE), dtype=np.float32)])
        offset += len(audio) / FSDD_RATE + gap
    samples = np.concatenate(pieces)
    path = folder / f"{conversation}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, FSDD_RATE)
    recording = Recording(
        id=conversation,
        sources=[AudioSource(type="file", channels=[0], source=str(path))],
        sampling_rate=FSDD_RATE,
        num_samples=len(samples),
        duration=len(samples) / FSDD_RATE,
    )
    cuts: list[Cut] = []
    for number, (speaker, digit, start, duration) in enumerate(spans):
        cut_id = f"{conversation}-{number:02d}"
        word = AlignmentItem(symbol=WORDS[digit], start=start + 0.1 * duration, duration=0.8 * duration)
        sup = SupervisionSegment(
            id=cut_id,
            recording_id=conversation,
            start=0.0,
            duration=duration,
            text=WORDS[digit],
            speaker=speaker,
            language="en",
            alignment={fields.WORD_ALIGNMENT: [word]},
        )
        cuts.append(
            MonoCut(
                id=cut_id,
                start=start,
                duration=duration,
                channel=0,
                recording=recording,
                supervisions=[sup],
                custom={fields.CONVERSATION: conversation},
            )
        )
    return cuts, samples


def stereo_cut(folder: Path, fsdd_dir: Path, roles: dict[str, int] | None) -> tuple[MultiCut, np.ndarray]:
    """A two-channel call: george on channel 0, jackson on channel 1, one supervision per channel."""
    george, _ = sf.read(str(fsdd_dir / "3_george_1.wav"), dtype="float32")
    jackson, _ = sf.read(str(fsdd_dir / "8_jackson_1.wav"), dtype="float32")
    length = len(george) + len(jackson) + FSDD_RATE // 2
    samples = np.zeros((2, length), dtype=np.float32)
    samples[0, : len(george)] = george
    samples[1, len(george) + FSDD_RATE // 2 :] = jackson
    path = folder / "call.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples.T, FSDD_RATE)
    recording = Recording(
        id="call",
        sources=[AudioSource(type="file", channels=[0, 1], source=str(path))],
        sampling_rate=FSDD_RATE,
        num_samples=length,
        duration=length / FSDD_RATE,
    )
    second = (len(george) + FSDD_RATE // 2) / FSDD_RATE

    def sup(
        sup_id: str, channel: int, speaker: str, word: str, start: float, duration: float
    ) -> SupervisionSegment:
        item = AlignmentItem(symbol=word, start=start + 0.1 * duration, duration=0.8 * duration)
        return SupervisionSegment(
            id=sup_id,
            recording_id="call",
            start=start,
            duration=duration,
            channel=channel,
            text=word,
            speaker=speaker,
            language="en",
            alignment={fields.WORD_ALIGNMENT: [item]},
        )

    custom = {fields.CHANNEL_ROLES: roles} if roles else {}
    cut = MultiCut(
        id="call",
        start=0.0,
        duration=recording.duration,
        channel=[0, 1],
        recording=recording,
        supervisions=[
            sup("call-g", 0, "george", "three", 0.0, len(george) / FSDD_RATE),
            sup("call-j", 1, "jackson", "eight", second, len(jackson) / FSDD_RATE),
        ],
        custom=custom,
    )
    return cut, samples
