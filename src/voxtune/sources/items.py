"""Turning one found input (an audio file plus what a manifest says about it) into a lhotse cut."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import soundfile as sf
from lhotse import AudioSource, Recording, SupervisionSegment
from lhotse.cut import Cut
from lhotse.supervision import AlignmentItem

from voxtune.corpus import fields
from voxtune.errors import ItemError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aiff", ".aif", ".au", ".w64")


def item_id(relative: str | Path) -> str:
    """A stable cut id from a relative path: no extension, whitespace replaced, folders kept."""
    text = str(Path(relative).with_suffix("")).replace("\\", "/")
    return re.sub(r"\s+", "_", text.strip()) or "item"


def probe_audio(path: Path) -> sf._SoundFileInfo:
    """Audio header facts without decoding, or an ItemError saying what is wrong with the file."""
    if not path.is_file():
        raise ItemError("missing_file", f"audio file not found: {path}", path=str(path))
    if path.stat().st_size == 0:
        raise ItemError("empty_file", "the file is empty (0 bytes); re-copy or re-export it")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ItemError(
            "unreadable_audio",
            f"cannot read the audio ({exc}); the file may be corrupt, truncated or in an "
            "unsupported format: re-export it as WAV or FLAC",
        ) from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise ItemError("empty_audio", "the file holds no audio samples")
    return info


def cut_from_file(
    path: Path,
    cut_id: str,
    *,
    text: str | None = None,
    speaker: str | None = None,
    language: str | None = None,
    words: list[Any] | None = None,
    extra: dict[str, Any] | None = None,
    source: str | None = None,
    synthetic: bool = False,
) -> Cut:
    """A cut over a whole audio file, with one supervision carrying what is known about it.

    Multi-channel files stay multi-channel (a MultiCut): a later stage decides what to do with them.
    """
    info = probe_audio(path)
    recording = Recording(
        id=cut_id,
        sources=[AudioSource(type="file", channels=list(range(info.channels)), source=str(path))],
        sampling_rate=info.samplerate,
        num_samples=info.frames,
        duration=info.frames / info.samplerate,
    )
    cut = recording.to_cut()
    custom = fields.cut_custom(cut)
    custom[fields.SOURCE] = source or str(path)
    if synthetic:
        custom[fields.SYNTHETIC] = True
    sup_custom: dict[str, Any] = dict(extra or {})
    if text is not None:
        sup_custom.setdefault(fields.TEXT_ORIGINAL, text)  # a manifest may name the original itself
    alignment = None
    if words:
        alignment = {fields.WORD_ALIGNMENT: parse_words(words, recording.duration)}
    cut.supervisions = [
        SupervisionSegment(
            id=cut_id,
            recording_id=cut_id,
            start=0.0,
            duration=recording.duration,
            channel=0 if info.channels == 1 else list(range(info.channels)),
            text=text,
            speaker=speaker,
            language=language,
            custom=sup_custom or None,
            alignment=alignment,
        )
    ]
    return cut


def parse_words(words: list[Any], duration: float) -> list[AlignmentItem]:
    """Word timings given as ``[word, start, end]`` or ``[word, [start, end]]`` rows, checked."""
    items: list[AlignmentItem] = []
    for row in words:
        try:
            if len(row) == 2 and isinstance(row[1], (list, tuple)):
                word, (start, end) = row[0], row[1]
            else:
                word, start, end = row[0], row[1], row[2]
            start, end = float(start), float(end)
        except (TypeError, ValueError, IndexError):
            raise ItemError("bad_alignment", f"cannot read word timing {row!r}") from None
        if not 0.0 <= start <= end <= duration + 0.05:
            raise ItemError(
                "bad_alignment",
                f"word '{word}' at {start:.2f}-{end:.2f} s falls outside the audio ({duration:.2f} s)",
            )
        items.append(AlignmentItem(symbol=str(word), start=start, duration=end - start))
    return items
